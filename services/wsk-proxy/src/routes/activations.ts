import {
  type ActivationRecord,
  activationIdErrorText,
  activationSummary,
  ErrorText,
  resolveAccess,
} from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import type { ActivationStore } from "../activation-store.js";
import type { DomainInvoker } from "../domain-invoker.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";
import { activationListQuery } from "../query-params.js";

/**
 * `/namespaces/{ns}/activations[/{id}[/result|/logs]]`, from the proxy's activation store.
 * Accepted invocations are stored pending and read through the invoker, which completes them
 * from the installation that runs them; until then they do not exist, as on OpenWhisk.
 */
export function registerActivationRoutes(
  app: Hono<ProxyEnv>,
  deps: {
    readonly store: ActivationStore;
    readonly invoker: Pick<DomainInvoker, "activations">;
  },
): void {
  const { store } = deps;
  const { activations } = deps.invoker;
  const base = "/api/v1/namespaces/:namespace/activations";

  app.get(base, async (c) => {
    const access = resolveAccess(c.get("identity"), c.req.param("namespace"));
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const query = activationListQuery((name) => c.req.query(name));
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { limit, skip, since, upto, docs, count, name } = query.value;
    const filter = { name, since, upto };
    if (count) return c.json({ activations: await store.count(access.namespace, filter) });
    // A page may come back short by the pending records that are still running: OpenWhisk
    // lists only what it has written, and `count` (above) counts them, a known difference.
    const page = await activations.visible(
      await store.list(access.namespace, filter, { skip, limit }),
    );
    return c.json(docs ? page : page.map(activationSummary));
  });

  const lookup = async (c: Context<ProxyEnv>): Promise<ActivationRecord | Response> => {
    const access = resolveAccess(c.get("identity"), c.req.param("namespace") ?? "");
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const id = c.req.param("id") ?? "";
    const idError = activationIdErrorText(id);
    if (idError !== undefined) return errorResponse(c, 400, idError);
    return (
      (await activations.get(access.namespace, id)) ?? errorResponse(c, 404, ErrorText.notFound)
    );
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
