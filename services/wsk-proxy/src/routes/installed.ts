import { ErrorText, methodNotAllowed, resolveAccess } from "@soe/openwhisk";
import { soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import type { Context, Hono } from "hono";
import { installedListing } from "../domain-listing.js";
import type { DomainDeployment } from "../domain-deployment.js";
import { EdgeErrorText } from "../error-texts.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";
import { listQuery } from "../query-params.js";
import { readDomain } from "./domain-calls.js";
import { routeTarget } from "./route-target.js";

/** Collections the installations hold that the domain reads but never deploys. */
const READ_ONLY = [
  {
    collection: "triggers",
    kind: soev1.EntityKind.TRIGGER,
    refusal: EdgeErrorText.triggersNotDeployed,
  },
  { collection: "rules", kind: soev1.EntityKind.RULE, refusal: EdgeErrorText.rulesNotDeployed },
] as const;

/**
 * `GET /namespaces/{ns}/triggers|rules[/{name}]`: what the installations serving the namespace
 * hold (their union, from the controller), with OpenWhisk's paging. A trigger fires on one
 * OpenWhisk and its rules run actions there, so the domain cannot deploy them as one: creating,
 * deleting and firing answer 501, saying so.
 */
export function registerInstalledRoutes(
  app: Hono<ProxyEnv>,
  deps: { readonly deployment: DomainDeployment | undefined; readonly logger: Logger },
): void {
  const { deployment, logger } = deps;
  for (const { collection, kind, refusal } of READ_ONLY) {
    const base = `/api/v1/namespaces/:namespace/${collection}`;

    const installed = async (c: Context<ProxyEnv>, namespace: string) => {
      if (deployment === undefined) return [];
      const entities = await readDomain(c, logger, () => deployment.listInstalled(kind, namespace));
      return entities instanceof Response ? entities : installedListing(entities ?? []);
    };

    const list = async (c: Context<ProxyEnv>) => {
      const access = resolveAccess(c.get("identity"), c.req.param("namespace") ?? "");
      if (!access.ok) return errorResponse(c, access.status, access.error);
      const query = listQuery((name) => c.req.query(name), collection);
      if (!query.ok) return errorResponse(c, 400, query.error);
      const { limit, skip, count } = query.value;
      const entries = await installed(c, access.namespace);
      if (entries instanceof Response) return entries;
      if (count) return c.json({ [collection]: entries.length });
      return c.json(entries.slice(skip, skip + limit));
    };
    app.get(base, list);
    app.get(`${base}/`, list);
    app.all(base, (c) => errorResponse(c, 405, methodNotAllowed(["GET"])));
    app.all(`${base}/`, (c) => errorResponse(c, 405, methodNotAllowed(["GET"])));

    const path = `${base}/:name`;
    app.get(path, async (c) => {
      const target = routeTarget(c);
      const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
      if (!access.ok) return errorResponse(c, access.status, access.error);
      const entries = await installed(c, access.namespace);
      if (entries instanceof Response) return entries;
      const found = entries.find((e) => e.name === target.name);
      return found === undefined ? errorResponse(c, 404, ErrorText.notFound) : c.json(found);
    });
    app.on(["PUT", "DELETE", "POST"], path, (c) => errorResponse(c, 501, refusal));
    app.all(path, (c) => errorResponse(c, 405, methodNotAllowed(["GET", "PUT", "DELETE", "POST"])));
  }
}
