import {
  type ActivationRecord,
  activationIdErrorText,
  activationListQuery,
  activationSummary,
  ErrorText,
  resolveAccess,
} from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import type { ActivationStore } from "../activation-store.js";
import type { MockEnv } from "../mock-env.js";
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
    const query = activationListQuery((name) => c.req.query(name));
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { limit, skip, since, upto, docs, count, name } = query.value;
    const records = store.list(access.namespace, { name, since, upto });
    if (count) return c.json({ activations: records.length });
    const page = records.slice(skip, skip + limit);
    return c.json(docs ? page : page.map(activationSummary));
  });

  const lookup = (c: Context<MockEnv>): ActivationRecord | Response => {
    const access = resolveAccess(c.get("identity"), c.req.param("namespace") ?? "");
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const id = c.req.param("id") ?? "";
    const idError = activationIdErrorText(id);
    if (idError !== undefined) return errorResponse(c, 400, idError);
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
