import type { KeyRing } from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import { Hono } from "hono";
import { ActionFactsCache } from "./action-facts.js";
import type { ActionLister } from "./action-lister.js";
import type { ActivationStore } from "./activation-store.js";
import type { DomainDeployment } from "./domain-deployment.js";
import type { DomainInvoker } from "./domain-invoker.js";
import { authenticate } from "./middleware/auth/index.js";
import { jsonErrors, notFound, onError } from "./middleware/errors/index.js";
import { requestId } from "./middleware/request-id/index.js";
import { traceInvocations } from "./middleware/trace-context/index.js";
import type { ProxyEnv } from "./proxy-env.js";
import { registerActionChangeRoutes } from "./routes/action-changes.js";
import { registerActionRoutes } from "./routes/actions.js";
import { registerActivationRoutes } from "./routes/activations.js";
import { registerInfoRoutes } from "./routes/info.js";
import { registerInstalledRoutes } from "./routes/installed.js";
import { registerInvokeRoutes } from "./routes/invoke.js";
import { registerPackageRoutes } from "./routes/packages.js";
import { registerUnsupportedRoutes } from "./routes/unsupported.js";

export interface ProxyAppDeps {
  readonly keys: KeyRing;
  readonly invoker: DomainInvoker;
  readonly lister: ActionLister;
  readonly store: ActivationStore;
  /** Longest blocking wait, ms (OpenWhisk: 60000). */
  readonly maxWaitMs: number;
  readonly maxBodyBytes: number;
  /** The controller's DeploymentService; undefined without a controller (changes answer 501). */
  readonly deployment?: DomainDeployment | undefined;
  /** Largest entity document (PUT body) accepted, bytes. */
  readonly maxEntityBytes?: number;
  readonly logger: Logger;
}

/**
 * Default largest entity document: it travels in one RPC message to the controller and on to
 * every installation, whose servers take messages up to 4 MiB (@soe/runtime's default).
 */
export const DEFAULT_MAX_ENTITY_BYTES = 3 * 1024 * 1024;

/**
 * The OpenWhisk REST API for actions and packages over the edge domain, as a hono app: request id (and CORS),
 * JSON errors, Basic auth on everything under `/api/v1/namespaces`, then the routes. Unmatched
 * paths end in OpenWhisk's 404 here too, not in the host server's: the app may be mounted.
 */
export function createProxyApp(deps: ProxyAppDeps): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.onError(onError(deps.logger));
  app.notFound(notFound);
  app.use("*", requestId());
  app.use("*", jsonErrors());
  app.use("/api/v1/namespaces/*", traceInvocations());
  const auth = authenticate(deps.keys);
  app.use("/api/v1/namespaces", auth);
  app.use("/api/v1/namespaces/*", auth);

  registerInfoRoutes(app);
  // One cache of the domain's actions' facts: the invocations read it, the changes refresh it.
  const facts =
    deps.deployment === undefined
      ? undefined
      : new ActionFactsCache({ deployment: deps.deployment, logger: deps.logger });
  registerInvokeRoutes(app, { ...deps, facts });
  const domain = { lister: deps.lister, deployment: deps.deployment, logger: deps.logger };
  registerActionRoutes(app, domain);
  registerActionChangeRoutes(app, {
    ...domain,
    facts,
    maxEntityBytes: deps.maxEntityBytes ?? DEFAULT_MAX_ENTITY_BYTES,
  });
  registerPackageRoutes(app, {
    ...domain,
    maxEntityBytes: deps.maxEntityBytes ?? DEFAULT_MAX_ENTITY_BYTES,
  });
  registerInstalledRoutes(app, domain);
  registerActivationRoutes(app, deps);
  registerUnsupportedRoutes(app);
  app.all("*", notFound);
  return app;
}
