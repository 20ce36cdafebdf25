import type { KeyRing } from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import { Hono } from "hono";
import type { ActionLister } from "./action-lister.js";
import type { ActivationStore } from "./activation-store.js";
import type { DomainInvoker } from "./domain-invoker.js";
import { authenticate } from "./middleware/auth/index.js";
import { jsonErrors, notFound, onError } from "./middleware/errors/index.js";
import { requestId } from "./middleware/request-id/index.js";
import type { ProxyEnv } from "./proxy-env.js";
import { registerActionRoutes } from "./routes/actions.js";
import { registerActivationRoutes } from "./routes/activations.js";
import { registerInfoRoutes } from "./routes/info.js";
import { registerInvokeRoutes } from "./routes/invoke.js";
import { registerUnsupportedRoutes } from "./routes/unsupported.js";

export interface ProxyAppDeps {
  readonly keys: KeyRing;
  readonly invoker: DomainInvoker;
  readonly lister: ActionLister;
  readonly store: ActivationStore;
  /** Longest blocking wait, ms (OpenWhisk: 60000). */
  readonly maxWaitMs: number;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

/**
 * The OpenWhisk REST API for actions over the edge domain, as a hono app: request id (and CORS),
 * JSON errors, Basic auth on everything under `/api/v1/namespaces`, then the routes. Unmatched
 * paths end in OpenWhisk's 404 here too, not in the host server's: the app may be mounted.
 */
export function createProxyApp(deps: ProxyAppDeps): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.onError(onError(deps.logger));
  app.notFound(notFound);
  app.use("*", requestId());
  app.use("*", jsonErrors());
  const auth = authenticate(deps.keys);
  app.use("/api/v1/namespaces", auth);
  app.use("/api/v1/namespaces/*", auth);

  registerInfoRoutes(app);
  registerInvokeRoutes(app, deps);
  registerActionRoutes(app, { lister: deps.lister, logger: deps.logger });
  registerActivationRoutes(app, deps);
  registerUnsupportedRoutes(app);
  app.all("*", notFound);
  return app;
}
