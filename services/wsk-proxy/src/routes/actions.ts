import { ErrorText, formatActionName, type KeyValue, resolveAccess } from "@soe/openwhisk";
import { soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import type { Context, Hono } from "hono";
import { actionAccess } from "../action-access.js";
import type { ActionLister, CatalogEntry } from "../action-lister.js";
import { actionDescription, actionsOf } from "../action-views.js";
import { actionListing } from "../domain-listing.js";
import { actionRef, type DomainDeployment, packageRef } from "../domain-deployment.js";
import { actionDescriptionOf, overlay, packageDocumentOf } from "../entity-views.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";
import { booleanParam, listQuery } from "../query-params.js";
import { readDomain } from "./domain-calls.js";
import { routeTarget } from "./route-target.js";

/** An action of the domain, and the parameters its package (or binding) gives it. */
interface ResolvedAction {
  readonly entity: soev1.Entity;
  readonly packageParameters: KeyValue[];
}

/**
 * `ns[/pkg]/name` in the domain, through a binding when `pkg` is one (its bound package holds
 * the action). Undefined when the domain holds no such package or action.
 */
async function resolveAction(
  deployment: DomainDeployment,
  namespace: string,
  packageName: string | undefined,
  name: string,
): Promise<ResolvedAction | undefined> {
  if (packageName === undefined) {
    const entity = await deployment.get(actionRef(namespace, undefined, name));
    return entity && { entity, packageParameters: [] };
  }
  const pkg = await deployment.get(packageRef(namespace, packageName));
  if (pkg === undefined) return undefined;
  const document = packageDocumentOf(pkg);
  if (document.binding === undefined) {
    const entity = await deployment.get(actionRef(namespace, packageName, name));
    return entity && { entity, packageParameters: overlay(document.parameters) };
  }
  const { binding } = document;
  const bound = await deployment.get(packageRef(binding.namespace, binding.name));
  const entity = await deployment.get(actionRef(binding.namespace, binding.name, name));
  if (bound === undefined || entity === undefined) return undefined;
  return {
    entity,
    packageParameters: overlay(packageDocumentOf(bound).parameters, document.parameters),
  };
}

export interface ActionRouteDeps {
  readonly lister: ActionLister;
  /** Undefined without a controller: only what the computers announce is known. */
  readonly deployment: DomainDeployment | undefined;
  readonly logger: Logger;
}

/**
 * `GET .../actions[/{pkg}/]` and `GET .../actions/{[pkg/]name}`: what the whole domain offers —
 * the actions deployed through it (the controller's desired state) and those its computers
 * announce — in OpenWhisk's shapes and with its paging rules (§3).
 */
export function registerActionRoutes(app: Hono<ProxyEnv>, deps: ActionRouteDeps): void {
  const { lister, deployment, logger } = deps;
  const base = "/api/v1/namespaces/:namespace/actions";

  /** The domain's offer, or the 503 that says the controller could not tell. */
  const catalog = async (c: Context<ProxyEnv>): Promise<readonly CatalogEntry[] | Response> => {
    try {
      return await lister.catalog();
    } catch (err) {
      logger.warn({ err }, "the controller could not list the domain's lambdas");
      return errorResponse(c, 503, ErrorText.unavailable);
    }
  };

  const list = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const query = listQuery((name) => c.req.query(name), "actions");
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { limit, skip, count } = query.value;
    const [entries, desired] = await Promise.all([
      catalog(c),
      deployment === undefined
        ? []
        : readDomain(c, logger, () =>
            deployment.list(soev1.EntityKind.ACTION, access.namespace, target.packageName),
          ),
    ]);
    if (entries instanceof Response) return entries;
    if (desired instanceof Response) return desired;
    const actions = actionListing(
      actionsOf(entries, access.namespace, target.packageName),
      desired ?? [],
    );
    if (count) return c.json({ actions: actions.length });
    return c.json(actions.slice(skip, skip + limit));
  };
  app.get(base, list);
  app.get(`${base}/`, list);
  app.get(`${base}/:package/`, list);

  const get = async (c: Context<ProxyEnv>) => {
    const target = routeTarget(c);
    const access = await actionAccess(
      lister,
      c.get("identity"),
      target.namespaceSegment,
      target.segments,
    );
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const code = booleanParam("code", c.req.query("code"), true);
    if (!code.ok) return errorResponse(c, 400, code.error);
    const name = target.name ?? "";
    if (deployment !== undefined) {
      const found = await readDomain(c, logger, () =>
        resolveAction(deployment, access.namespace, target.packageName, name),
      );
      if (found instanceof Response) return found;
      if (found !== undefined) {
        // OpenWhisk answers GET with the package's (or binding's) parameters under the action's.
        const description = actionDescriptionOf(found.entity, code.value);
        return c.json({
          ...description,
          parameters: overlay(found.packageParameters, description.parameters),
        });
      }
    }
    // Not deployed through the domain: an action installed on its OpenWhisks directly, which
    // the domain knows by name only.
    const entries = await catalog(c);
    if (entries instanceof Response) return entries;
    const wanted = formatActionName({
      namespace: access.namespace,
      packageName: target.packageName,
      name,
    });
    const found = actionsOf(entries, access.namespace).find(
      (a) => formatActionName(a.action) === wanted,
    );
    return found === undefined
      ? errorResponse(c, 404, ErrorText.notFound)
      : c.json(actionDescription(found));
  };
  app.get(`${base}/:name`, get);
  app.get(`${base}/:package/:name`, get);
}
