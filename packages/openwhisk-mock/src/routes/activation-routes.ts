import { type ActivationRecord, isActivationId } from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import { type ActivationStore, activationSummary } from "../activation-store.js";
import { resolveAccess } from "../entity-access.js";
import { activationIdLength, ErrorText } from "../error-texts.js";
import type { MockEnv } from "../mock-env.js";
import { booleanParam, epochParam, limitParam, skipParam } from "../query-params.js";
import { errorResponse } from "../responses.js";

/** `/namespaces/{ns}/activations[/{id}[/result|/logs]]` (openwhisk-api.md §4). */
export function registerActivationRoutes(
  app: Hono<MockEnv>,
  deps: { readonly store: ActivationStore },
): void {
  const { store } = deps;
  const base = "/api/v1/namespaces/:namespace/activations";

  app.get(base, (c) => {
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
    const records = store.list(access.namespace, {
      name: c.req.query("name"),
      since: since.value,
      upto: upto.value,
    });
    if (count.value) return c.json({ activations: records.length });
    const page = records.slice(skip.value, skip.value + limit.value);
    return c.json(docs.value ? page : page.map(activationSummary));
  });

  const lookup = (c: Context<MockEnv>): ActivationRecord | Response => {
    const access = resolveAccess(c.get("identity"), c.req.param("namespace") ?? "");
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const id = c.req.param("id") ?? "";
    if (id.length !== 32) return errorResponse(c, 400, activationIdLength(id.length));
    if (!isActivationId(id)) return errorResponse(c, 400, ErrorText.invalidActivationId);
    return store.get(access.namespace, id) ?? errorResponse(c, 404, ErrorText.notFound);
  };

  app.get(`${base}/:id`, (c) => {
    const found = lookup(c);
    return found instanceof Response ? found : c.json(found);
  });
  app.get(`${base}/:id/result`, (c) => {
    const found = lookup(c);
    return found instanceof Response ? found : c.json(found.response);
  });
  app.get(`${base}/:id/logs`, (c) => {
    const found = lookup(c);
    return found instanceof Response ? found : c.json({ logs: found.logs });
  });
}
