import { createClient } from "@connectrpc/connect";
import { KeyRing, type NamespaceKeys } from "@soe/openwhisk";
import { EdgeServer, soev1 } from "@soe/proto";
import {
  type ClientTlsOptions,
  createControllerTransport,
  createLogger,
  createRouterTransport,
  type EndpointTransport,
  formatEndpoint,
  type Logger,
  serve,
  type ServerTlsOptions,
} from "@soe/runtime";
import type { Hono } from "hono";
import { ActionLister, controllerLambdaSource } from "./action-lister.js";
import type { ActivationStore } from "./activation-store.js";
import { registerActivationStoreMetrics } from "./activation-store-metrics.js";
import {
  describeActivationStore,
  openActivationStore,
  parseActivationStoreUrl,
} from "./activation-store-url.js";
import { BufferedActivationStore } from "./buffered-activation-store.js";
import { createDeploymentClient, DomainDeployment } from "./domain-deployment.js";
import { InstallationActivations } from "./backend-activations.js";
import { DomainInvoker } from "./domain-invoker.js";
import { DEFAULT_KEYS } from "./key-file.js";
import { DEFAULT_MAX_BODY_BYTES } from "./middleware/body-limit/index.js";
import { createProxyApp, DEFAULT_MAX_ENTITY_BYTES } from "./proxy-app.js";

/** OpenWhisk's longest blocking wait (openwhisk-api.md §2): the `timeout` query's maximum. */
export const MAX_WAIT_MS = 60_000;

export interface ProxyServerOptions {
  /** Where to listen, as a URL (reference `--wsk-api-root`); port 0 picks one. */
  readonly wskApiRoot?: string;
  /**
   * The router (or computer) every invocation goes to (`--server-endpoint`); several as `a,b`:
   * the first, and the next when it refuses connections (see createRouterTransport).
   */
  readonly serverEndpoint: string;
  /** The controller whose read API lists the domain's lambdas; none: listings are empty. */
  readonly controllerEndpoint?: string;
  /** API keys by namespace; default: the guest key for `guest`. */
  readonly keys?: NamespaceKeys;
  readonly maxBodyBytes?: number;
  /** Largest entity document (action or package PUT body), bytes (default 3 MiB). */
  readonly maxEntityBytes?: number;
  /** Longest blocking wait, ms; at most (and by default) OpenWhisk's 60000. */
  readonly maxWaitMs?: number;
  /** Deadline of each RunLambda call, ms, blocking or not (default 300000, OpenWhisk's longest action). */
  readonly callTimeoutMs?: number;
  /** How long one listing of the domain's lambdas is reused, ms (default 1000). */
  readonly listingCacheMs?: number;
  /** Invocations in flight at most; beyond, 429 (default 1000). */
  readonly maxInFlight?: number;
  /** A store of the caller's, used as it is (and not closed): wins over `activationStore`. */
  readonly store?: ActivationStore;
  /** `memory` (default), `sqlite:PATH` or `postgres://...`: the store the proxy opens and closes. */
  readonly activationStore?: string;
  /** Activations the proxy's own store keeps at most (default 10000). */
  readonly activationMaxCount?: number;
  /** How long the proxy's own store keeps an activation, ms (default 24 h). */
  readonly activationMaxAgeMs?: number;
  /** Serve HTTPS (the API root's scheme must then be https). */
  readonly tls?: ServerTlsOptions;
  /** TLS towards the router and the controller. */
  readonly clientTls?: ClientTlsOptions;
  /** Control-plane token, sent to the controller (read API and deployments). */
  readonly token?: string;
  /** How long close() lets running invocations finish before cancelling them. */
  readonly drainTimeoutMs?: number;
  readonly logger?: Logger;
  /** Epoch ms, for activation records and listings. */
  readonly clock?: () => number;
}

export interface ProxyServer {
  /** Base URL clients use as `apihost`. */
  readonly url: string;
  readonly endpoint: string;
  readonly store: ActivationStore;
  readonly invoker: DomainInvoker;
  /** Stops taking requests, drains (or cancels) running invocations, closes connections. */
  close(): Promise<void>;
}

/** `http://127.0.0.1:20000` → `127.0.0.1:20000`, checking the scheme against the TLS setting. */
export function listenEndpoint(wskApiRoot: string, tls: boolean): string {
  let url: URL;
  try {
    url = new URL(wskApiRoot);
  } catch {
    throw new Error(`invalid API root "${wskApiRoot}": expected http://host:port`);
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "http" && scheme !== "https") {
    throw new Error(`invalid API root "${wskApiRoot}": the scheme must be http or https`);
  }
  if ((scheme === "https") !== tls) {
    throw new Error(
      tls
        ? `the API root "${wskApiRoot}" must be https:// when a certificate is given`
        : `the API root "${wskApiRoot}" is https://: give a certificate and key`,
    );
  }
  const port = url.port === "" ? (scheme === "https" ? 443 : 80) : Number(url.port);
  return formatEndpoint({ host: url.hostname.replace(/^\[|\]$/g, ""), port });
}

/** The whole wskproxy: the app, served by @soe/runtime beside /healthz and /metrics. */
export async function createProxyServer(options: ProxyServerOptions): Promise<ProxyServer> {
  const logger = options.logger ?? createLogger({ name: "wskproxy" });
  const maxWaitMs = Math.min(options.maxWaitMs ?? MAX_WAIT_MS, MAX_WAIT_MS);
  const callTimeoutMs = options.callTimeoutMs ?? 300_000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const endpoint = listenEndpoint(
    options.wskApiRoot ?? "http://127.0.0.1:0",
    options.tls !== undefined,
  );
  const keys = new KeyRing(options.keys ?? DEFAULT_KEYS);
  const ownStore = options.store === undefined;
  const storeSpec = parseActivationStoreUrl(options.activationStore ?? "memory");
  const store =
    options.store ??
    openActivationStore(storeSpec, {
      logger,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.activationMaxCount === undefined ? {} : { maxCount: options.activationMaxCount }),
      ...(options.activationMaxAgeMs === undefined ? {} : { maxAgeMs: options.activationMaxAgeMs }),
    });
  const clientTls = options.clientTls === undefined ? {} : { tls: options.clientTls };

  const transports: EndpointTransport[] = [];
  // --server-endpoint a,b (issue 13): one router at a time; a request refused by a dead one is
  // retried on the next (it provably never ran), one lost in flight fails as before.
  const routerTransport = createRouterTransport(options.serverEndpoint, { ...clientTls, logger });
  transports.push(routerTransport);
  let controller: ReturnType<typeof createClient<typeof soev1.ControllerQueryService>> | undefined;
  let deployment: DomainDeployment | undefined;
  let controllerTransport: EndpointTransport | undefined;
  if (options.controllerEndpoint) {
    // --controller-endpoint a,b,c (issue 13): the first controller that answers.
    const transport = createControllerTransport(options.controllerEndpoint, {
      logger,
      ...clientTls,
      ...(options.token === undefined ? {} : { token: options.token }),
      // Listings of desired entities carry whole documents (code included).
      readMaxBytes: 64 * 1024 * 1024,
    });
    transports.push(transport);
    controllerTransport = transport;
    controller = createClient(soev1.ControllerQueryService, transport);
    deployment = new DomainDeployment({ client: createDeploymentClient(transport) });
  } else {
    logger.warn("no controller endpoint: action listings are empty, deploying is refused");
  }
  const lister = new ActionLister({
    source: controller === undefined ? undefined : controllerLambdaSource(controller, 2_000),
    ...(options.listingCacheMs === undefined ? {} : { ttlMs: options.listingCacheMs }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  // Records of calls still running, and the logs of finished ones, are read from the
  // installation that ran them (soe.v1.InstallationService, behind the control-plane token).
  const backend = new InstallationActivations({
    token: options.token,
    tls: options.clientTls,
    controller: controllerTransport,
  });
  const invoker = new DomainInvoker({
    client: createClient(EdgeServer, routerTransport),
    backend,
    store,
    lister,
    callTimeoutMs,
    maxInFlight: options.maxInFlight ?? 1_000,
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const app = createProxyApp({
    keys,
    invoker,
    lister,
    store,
    maxWaitMs,
    maxBodyBytes,
    deployment,
    ...(options.maxEntityBytes === undefined ? {} : { maxEntityBytes: options.maxEntityBytes }),
    logger,
  });

  const closeTransports = () => {
    for (const transport of transports) transport.close();
  };
  const closeStore = async () => {
    if (ownStore) await store.close?.();
  };
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve({
      name: "wskproxy",
      endpoint,
      // serve() takes apps of hono's blank Env; ours only adds context variables of its own.
      http: app as unknown as Hono,
      logger,
      // The larger body limit plus room for headers: hono reads the body, bounded, itself.
      readMaxBytes:
        Math.max(maxBodyBytes, options.maxEntityBytes ?? DEFAULT_MAX_ENTITY_BYTES) + 64 * 1024,
      drainTimeoutMs: options.drainTimeoutMs ?? 5_000,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  } catch (error) {
    backend.close();
    closeTransports();
    await closeStore();
    throw error;
  }
  if (store instanceof BufferedActivationStore)
    registerActivationStoreMetrics(server.metrics, store);
  logger.info(
    {
      url: server.url,
      server: options.serverEndpoint,
      controller: options.controllerEndpoint ?? "",
      activations: ownStore ? describeActivationStore(storeSpec) : "(given)",
    },
    `REST server started at ${server.url}/`,
  );

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    endpoint: server.endpoint,
    store,
    invoker,
    close() {
      closing ??= (async () => {
        const drainMs = options.drainTimeoutMs ?? 5_000;
        // Both at once: the server drains blocking requests while background calls finish.
        await Promise.all([server.close(), invoker.close(drainMs)]);
        backend.close();
        closeTransports();
        // Last: the invocations drained above may still have put their records.
        await closeStore();
      })();
      return closing;
    },
  };
}
