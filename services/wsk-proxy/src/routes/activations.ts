import {
  type ActivationRecord,
  type ActivationSummary,
  activationStatusCode,
  isActivationId,
} from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import type { ActivationStore } from "../activation-store.js";
import { activationIdLength, ErrorText } from "../error-texts.js";
import { errorResponse } from "../middleware/errors/index.js";
import { resolveAccess } from "../namespace-access.js";
import type { ProxyEnv } from "../proxy-env.js";
import { booleanParam, epochParam, limitParam, skipParam } from "../query-params.js";

/** A list element without `docs=true` (openwhisk-api.md §4): no response, no logs. */
export function activationSummary(record: ActivationRecord): ActivationSummary {
  return {
    activationId: record.activationId,
    namespace: record.namespace,
    name: record.name,
    version: record.version,
    publish: record.publish,
    annotations: record.annotations,
    start: record.start,
    ...(record.end === undefined ? {} : { end: record.end, duration: record.duration ?? 0 }),
    ...(record.cause === undefined ? {} : { cause: record.cause }),
    ...(record.end === undefined
      ? {}
      : { statusCode: activationStatusCode(record.response.status) }),
  };
}

/** `/namespaces/{ns}/activations[/{id}[/result|/logs]]`, from the proxy's activation store. */
export function registerActivationRoutes(
  app: Hono<ProxyEnv>,
  deps: { readonly store: ActivationStore },
): void {
  const { store } = deps;
  const base = "/api/v1/namespaces/:namespace/activations";

  app.get(base, async (c) => {
    const access = resolveAccess(c.get("identity"), c.req.param("namespace"));
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const limit = limitParam(c.req.query("limit"), "activations");
    if (!limit.ok) return errorResponse(c, 400, limit.error);
    const skip = skipParam(c.req.query("skip"), "activations");
    if (!skip.ok) return errorResponse(c, 400, skip.error);
    const since = epochParam("since", c.req.query("since"));
    if (!since.ok) return errorResponse(c, 400, since.error);
    const upto = epochParam("upto", c.req.query("upto"));
    if (!upto.ok) return errorResponse(c, 400, upto.error);
    const docs = booleanParam("docs", c.req.query("docs"), false);
    if (!docs.ok) return errorResponse(c, 400, docs.error);
    const count = booleanParam("count", c.req.query("count"), false);
    if (!count.ok) return errorResponse(c, 400, count.error);
    if (count.value && docs.value) return errorResponse(c, 400, ErrorText.countWithDocs);
    const filter = { name: c.req.query("name"), since: since.value, upto: upto.value };
    if (count.value) return c.json({ activations: await store.count(access.namespace, filter) });
    const page = await store.list(access.namespace, filter, {
      skip: skip.value,
      limit: limit.value,
    });
    return c.json(docs.value ? page : page.map(activationSummary));
  });

  const lookup = async (c: Context<ProxyEnv>): Promise<ActivationRecord | Response> => {
    const access = resolveAccess(c.get("identity"), c.req.param("namespace") ?? "");
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const id = c.req.param("id") ?? "";
    if (id.length !== 32) return errorResponse(c, 400, activationIdLength(id.length));
    if (!isActivationId(id)) return errorResponse(c, 400, ErrorText.invalidActivationId);
    return (await store.get(access.namespace, id)) ?? errorResponse(c, 404, ErrorText.notFound);
  };

  app.get(`${base}/:id`, async (c) => {
    const found = await lookup(c);
    return found instanceof Response ? found : c.json(found);
  });
  app.get(`${base}/:id/result`, async (c) => {
    const found = await lookup(c);
    return found instanceof Response ? found : c.json(found.response);
  });
  app.get(`${base}/:id/logs`, async (c) => {
    const found = await lookup(c);
    return found instanceof Response ? found : c.json({ logs: found.logs });
  });
}
