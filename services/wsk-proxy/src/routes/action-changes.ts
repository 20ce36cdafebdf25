import {
  type ActionDocument,
  checkSequence,
  ErrorText,
  formatActionName,
  malformedContent,
  isSequenceExec,
  mergeActionDocument,
  parseActionDocument,
  resolveAccess,
} from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import type { Context, Hono } from "hono";
import type { ActionFactsCache } from "../action-facts.js";
import type { ActionLister } from "../action-lister.js";
import { withResolvedComponents } from "../action-document.js";
import {
  APPLIED_HEADER,
  appliedHeader,
  partialRefusal,
  ROUTES_READY_HEADER,
  routesReadyHeader,
} from "../deploy-answers.js";
import { actionRef, type DomainDeployment, packageRef } from "../domain-deployment.js";
import { actionDescriptionOf, actionDocumentOf, packageDocumentOf } from "../entity-views.js";
import { EdgeErrorText, EntityErrorText } from "../error-texts.js";
import { readJsonParams } from "../json-params.js";
import { bodyLimit } from "../middleware/body-limit/index.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";
import { booleanParam } from "../query-params.js";
import {
  componentKind,
  componentsRefusal,
  desiredComponentSources,
} from "../sequence-components.js";
import { attempt, findInDomain, refuse } from "./domain-calls.js";
import { routeTarget } from "./route-target.js";

export interface ActionChangeDeps {
  readonly lister: ActionLister;
  readonly deployment: DomainDeployment | undefined;
  readonly logger: Logger;
  /** Largest entity document accepted, bytes (it travels to every installation in one message). */
  readonly maxEntityBytes: number;
  /** The invocations' cache of action facts: told of every change, so it is read afresh. */
  readonly facts?: ActionFactsCache | undefined;
}

/**
 * `PUT .../actions/{[pkg/]name}[?overwrite=true]` and `DELETE` of the same: the action becomes
 * (or stops being) part of the domain's desired state, which the controller applies to every
 * installation placed to serve it. A change kept but not applied everywhere answers 502; every
 * answer to a change says how far it went in the `x-soe-applied` header.
 */
export function registerActionChangeRoutes(app: Hono<ProxyEnv>, deps: ActionChangeDeps): void {
  const { lister, deployment, logger } = deps;
  const base = "/api/v1/namespaces/:namespace/actions";

  const put = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    if (deployment === undefined) return errorResponse(c, 501, EdgeErrorText.noController);
    const overwrite = booleanParam("overwrite", c.req.query("overwrite"), false);
    if (!overwrite.ok) return errorResponse(c, 400, overwrite.error);
    const body = readJsonParams(c.get("body"), c.req.header("content-type"));
    if (!body.ok) return errorResponse(c, body.status, body.error);
    const parsed = parseActionDocument(body.params);
    if (!parsed.ok) return errorResponse(c, 400, parsed.error);

    const name = target.name ?? "";
    if (target.packageName !== undefined) {
      const pkg = await findInDomain(c, logger, () =>
        deployment.get(packageRef(access.namespace, target.packageName ?? "")),
      );
      if (pkg instanceof Response) return pkg;
      if (pkg === undefined) return errorResponse(c, 404, ErrorText.notFound);
      if (packageDocumentOf(pkg).binding !== undefined) {
        return errorResponse(c, 400, EntityErrorText.notAllowedOnBinding);
      }
    } else {
      // Top-level actions and packages share one name space in OpenWhisk.
      const clash = await findInDomain(c, logger, () =>
        deployment.get(packageRef(access.namespace, name)),
      );
      if (clash instanceof Response) return clash;
      if (clash !== undefined) return errorResponse(c, 409, ErrorText.otherCollection);
    }
    const ref = actionRef(access.namespace, target.packageName, name);
    let document: ActionDocument = parsed.value;
    if (overwrite.value) {
      // OpenWhisk's update: what the body leaves out keeps its value in the domain's document.
      const existing = await findInDomain(c, logger, () => deployment.get(ref));
      if (existing instanceof Response) return existing;
      if (existing !== undefined)
        document = mergeActionDocument(actionDocumentOf(existing), document);
    }
    if (document.exec === undefined) {
      return errorResponse(c, 400, malformedContent(EntityErrorText.execUndefined));
    }
    document = withResolvedComponents(document, access.namespace);
    const action = { namespace: access.namespace, packageName: target.packageName, name };
    const exec = document.exec;
    if (exec !== undefined && isSequenceExec(exec)) {
      // OpenWhisk's create-time checks, against the whole domain (sequence-components.ts):
      // the caller's right to each component first (its entitlement check), then the rest.
      const components = exec.components;
      const forbidden = await componentsRefusal(lister, c.get("identity"), components);
      if (forbidden !== undefined) return errorResponse(c, forbidden.status, forbidden.error);
      const sources = desiredComponentSources(deployment, lister);
      const refusal = await attempt(c, logger, () =>
        checkSequence(formatActionName(action), components, (component) =>
          componentKind(component, sources),
        ),
      );
      if (refusal instanceof Response) return refusal;
      if (refusal !== undefined) return errorResponse(c, 400, refusal);
    }
    const put = await attempt(c, logger, () => deployment.put(ref, document, overwrite.value));
    if (put instanceof Response) return put;
    if (put.entity === undefined)
      throw new Error("the controller answered PutEntity without the entity");
    deps.facts?.forget(action);
    lister.reveal(formatActionName(action));
    c.header(APPLIED_HEADER, appliedHeader(put.outcome));
    c.header(ROUTES_READY_HEADER, routesReadyHeader(put.outcome));
    const partial = partialRefusal(put.outcome, "applied");
    if (partial !== undefined) return refuse(c, logger, partial);
    return c.json(actionDescriptionOf(put.entity, true));
  };

  const remove = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    if (deployment === undefined) return errorResponse(c, 501, EdgeErrorText.noController);
    const name = target.name ?? "";
    const qualified = formatActionName({
      namespace: access.namespace,
      packageName: target.packageName,
      name,
    });
    const ref = actionRef(access.namespace, target.packageName, name);
    const removed = await findInDomain(c, logger, () => deployment.delete(ref));
    if (removed instanceof Response) return removed;
    if (removed === undefined) {
      // Not the domain's: an action installed on an OpenWhisk directly cannot be removed here
      // (the domain would not know which installations hold it, and it is not its to remove).
      return (await lister.has(qualified)) === true
        ? errorResponse(c, 409, EdgeErrorText.notManaged)
        : errorResponse(c, 404, ErrorText.notFound);
    }
    lister.hide(qualified);
    deps.facts?.forget({ namespace: access.namespace, packageName: target.packageName, name });
    c.header(APPLIED_HEADER, appliedHeader(removed.outcome));
    const partial = partialRefusal(removed.outcome, "removed");
    if (partial !== undefined) return refuse(c, logger, partial);
    if (removed.entity === undefined)
      throw new Error("the controller answered DeleteEntity without the entity");
    return c.json(actionDescriptionOf(removed.entity, true));
  };

  const limit = bodyLimit(deps.maxEntityBytes);
  for (const path of [`${base}/:name`, `${base}/:package/:name`]) {
    app.put(path, limit, put);
    app.delete(path, remove);
  }
}
