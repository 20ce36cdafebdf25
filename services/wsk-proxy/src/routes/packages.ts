import { Code, ConnectError } from "@connectrpc/connect";
import {
  DEFAULT_NAMESPACE,
  ErrorText,
  formatActionName,
  mergePackageDocument,
  notAuthorizedFor,
  type PackageDocument,
  packageNotEmpty,
  parsePackageDocument,
  resolveAccess,
} from "@soe/openwhisk";
import { soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import type { Context, Hono } from "hono";
import type { ActionLister } from "../action-lister.js";
import { APPLIED_HEADER, appliedHeader, partialRefusal, refusalOf } from "../deploy-answers.js";
import { installedSummary, packageListing } from "../domain-listing.js";
import { actionRef, type DomainDeployment, packageRef } from "../domain-deployment.js";
import { packageDescriptionOf, packageDocumentOf } from "../entity-views.js";
import { EdgeErrorText, EntityErrorText } from "../error-texts.js";
import { readJsonParams } from "../json-params.js";
import { bodyLimit } from "../middleware/body-limit/index.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";
import { booleanParam, listQuery } from "../query-params.js";
import { attempt, findInDomain, readDomain, refuse } from "./domain-calls.js";
import { routeTarget } from "./route-target.js";

export interface PackageRouteDeps {
  readonly lister: ActionLister;
  readonly deployment: DomainDeployment | undefined;
  readonly logger: Logger;
  readonly maxEntityBytes: number;
}

const { ACTION, PACKAGE } = soev1.EntityKind;

/**
 * `/namespaces/{ns}/packages[/{name}]` (apache/openwhisk `Packages.scala`): packages and
 * bindings deployed through the domain, and, read-only, those its installations hold.
 */
export function registerPackageRoutes(app: Hono<ProxyEnv>, deps: PackageRouteDeps): void {
  const { deployment, logger } = deps;
  const base = "/api/v1/namespaces/:namespace/packages";
  const path = `${base}/:name`;

  const list = async (c: Context<ProxyEnv>) => {
    const access = resolveAccess(c.get("identity"), c.req.param("namespace") ?? "");
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const query = listQuery((name) => c.req.query(name), "packages");
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { limit, skip, count } = query.value;
    const [desired, installed] =
      deployment === undefined
        ? [[], []]
        : await Promise.all([
            readDomain(c, logger, () => deployment.list(PACKAGE, access.namespace)),
            readDomain(c, logger, () => deployment.listInstalled(PACKAGE, access.namespace)),
          ]);
    if (desired instanceof Response) return desired;
    if (installed instanceof Response) return installed;
    const packages = packageListing(desired ?? [], installed ?? []);
    if (count) return c.json({ packages: packages.length });
    return c.json(packages.slice(skip, skip + limit));
  };
  app.get(base, list);
  app.get(`${base}/`, list);

  const get = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    if (deployment === undefined) return errorResponse(c, 404, ErrorText.notFound);
    const name = target.name ?? "";
    const entity = await readDomain(c, logger, () =>
      deployment.get(packageRef(access.namespace, name)),
    );
    if (entity instanceof Response) return entity;
    if (entity === undefined) {
      // Held by an installation only (created on its OpenWhisk directly): its own listing entry.
      const installed = await readDomain(c, logger, () =>
        deployment.listInstalled(PACKAGE, access.namespace),
      );
      if (installed instanceof Response) return installed;
      const found = installed?.find((e) => e.ref?.name === name);
      const summary = found === undefined ? undefined : installedSummary(found);
      return summary === undefined ? errorResponse(c, 404, ErrorText.notFound) : c.json(summary);
    }
    // A binding shows the bound package's actions, and inherits its parameters (its own win).
    const binding = packageDocumentOf(entity).binding;
    let inherited: PackageDocument["parameters"];
    let holder = { namespace: access.namespace, name };
    if (binding !== undefined) {
      holder = binding;
      const bound = await readDomain(c, logger, () =>
        deployment.get(packageRef(binding.namespace, binding.name)),
      );
      if (bound instanceof Response) return bound;
      inherited = bound === undefined ? undefined : packageDocumentOf(bound).parameters;
    }
    const actions = await readDomain(c, logger, () =>
      deployment.list(ACTION, holder.namespace, holder.name),
    );
    if (actions instanceof Response) return actions;
    return c.json(
      packageDescriptionOf(entity, {
        actions: actions ?? [],
        ...(inherited === undefined ? {} : { inherited }),
      }),
    );
  };

  const put = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const caller = c.get("identity");
    const access = resolveAccess(caller, target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    if (deployment === undefined) return errorResponse(c, 501, EdgeErrorText.noController);
    const overwrite = booleanParam("overwrite", c.req.query("overwrite"), false);
    if (!overwrite.ok) return errorResponse(c, 400, overwrite.error);
    const body = readJsonParams(c.get("body"), c.req.header("content-type"));
    if (!body.ok) return errorResponse(c, body.status, body.error);
    const parsed = parsePackageDocument(body.params);
    if (!parsed.ok) return errorResponse(c, 400, parsed.error);
    let update = parsed.value;
    const name = target.name ?? "";
    const ref = packageRef(access.namespace, name);
    // Top-level actions and packages share one name space in OpenWhisk.
    const clash = await findInDomain(c, logger, () =>
      deployment.get(actionRef(access.namespace, undefined, name)),
    );
    if (clash instanceof Response) return clash;
    if (clash !== undefined) return errorResponse(c, 409, ErrorText.otherCollection);

    // Packages.scala's order: an update finds the package first (a plain one cannot become a
    // binding, 409), then any binding is checked (400).
    let old: PackageDocument | undefined;
    if (overwrite.value) {
      const existing = await findInDomain(c, logger, () => deployment.get(ref));
      if (existing instanceof Response) return existing;
      old = existing === undefined ? undefined : packageDocumentOf(existing);
      if (old !== undefined && old.binding === undefined && update.binding !== undefined) {
        return errorResponse(c, 409, EntityErrorText.packageCannotBecomeBinding);
      }
    }
    if (update.binding !== undefined) {
      // `_` is the caller's namespace; the document keeps the resolved name, so every
      // installation binds the same package.
      const boundName = update.binding.name;
      const boundNamespace =
        update.binding.namespace === DEFAULT_NAMESPACE
          ? caller.namespace
          : update.binding.namespace;
      if (boundNamespace !== caller.namespace) {
        // The domain holds no shared packages: a key reaches its own namespace only.
        return errorResponse(c, 403, notAuthorizedFor(`${boundNamespace}/${boundName}`));
      }
      update = { ...update, binding: { namespace: boundNamespace, name: boundName } };
      const bound = await findInDomain(c, logger, () =>
        deployment.get(packageRef(boundNamespace, boundName)),
      );
      if (bound instanceof Response) return bound;
      if (bound === undefined) return errorResponse(c, 400, EntityErrorText.bindingDoesNotExist);
      if (packageDocumentOf(bound).binding !== undefined) {
        return errorResponse(c, 400, EntityErrorText.bindingCannotReferenceBinding);
      }
    }
    const document = old === undefined ? update : mergePackageDocument(old, update);
    const put = await attempt(c, logger, () => deployment.put(ref, document, overwrite.value));
    if (put instanceof Response) return put;
    if (put.entity === undefined)
      throw new Error("the controller answered PutEntity without the entity");
    c.header(APPLIED_HEADER, appliedHeader(put.outcome));
    const partial = partialRefusal(put.outcome, "applied");
    if (partial !== undefined) return refuse(c, logger, partial);
    return c.json(packageDescriptionOf(put.entity));
  };

  const remove = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    if (deployment === undefined) return errorResponse(c, 501, EdgeErrorText.noController);
    const force = booleanParam("force", c.req.query("force"), false);
    if (!force.ok) return errorResponse(c, 400, force.error);
    const name = target.name ?? "";
    if (force.value) {
      // OpenWhisk's `force`: the package's actions go first.
      const actions = await findInDomain(c, logger, () =>
        deployment.list(ACTION, access.namespace, name),
      );
      if (actions instanceof Response) return actions;
      for (const action of actions ?? []) {
        if (action.ref === undefined) continue;
        const ref = action.ref;
        const gone = await findInDomain(c, logger, () => deployment.delete(ref));
        if (gone instanceof Response) return gone;
        deps.lister.hide(
          formatActionName({ namespace: ref.namespace, packageName: ref.package, name: ref.name }),
        );
      }
    }
    let removed: Awaited<ReturnType<DomainDeployment["delete"]>>;
    try {
      removed = await deployment.delete(packageRef(access.namespace, name));
    } catch (err) {
      const code = ConnectError.from(err).code;
      if (code === Code.FailedPrecondition) {
        const held = await findInDomain(c, logger, () =>
          deployment.list(ACTION, access.namespace, name),
        );
        if (held instanceof Response) return held;
        return errorResponse(c, 409, packageNotEmpty(held?.length ?? 0));
      }
      if (code === Code.NotFound) return notHeld(c, deployment, access.namespace, name);
      return refuse(c, logger, refusalOf(err), err);
    }
    c.header(APPLIED_HEADER, appliedHeader(removed.outcome));
    const partial = partialRefusal(removed.outcome, "removed");
    if (partial !== undefined) return refuse(c, logger, partial);
    if (removed.entity === undefined)
      throw new Error("the controller answered DeleteEntity without the entity");
    return c.json(packageDescriptionOf(removed.entity));
  };

  /** 404, or 409 when an installation holds it though the domain does not manage it. */
  const notHeld = async (
    c: Context<ProxyEnv>,
    domain: DomainDeployment,
    namespace: string,
    name: string,
  ) => {
    const installed = await readDomain(c, logger, () => domain.listInstalled(PACKAGE, namespace));
    if (installed instanceof Response) return installed;
    return installed?.some((e) => e.ref?.name === name)
      ? errorResponse(c, 409, EdgeErrorText.notManaged)
      : errorResponse(c, 404, ErrorText.notFound);
  };

  app.get(path, get);
  app.put(path, bodyLimit(deps.maxEntityBytes), put);
  app.delete(path, remove);
}
