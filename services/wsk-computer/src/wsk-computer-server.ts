import { createClient } from "@connectrpc/connect";
import { OpenWhiskClient } from "@soe/openwhisk";
import { EdgeController, EdgeServer } from "@soe/proto";
import {
  advertisedEndpoint,
  type ClientTlsOptions,
  createLogger,
  createTransport,
  type EndpointTransport,
  type Logger,
  type PeriodicTask,
  type RunningServer,
  type ServerTlsOptions,
  serve,
  startPeriodicTask,
} from "@soe/runtime";
import { type ActionChange, ActionLister, type ActionView, lambdasOf } from "./action-lister.js";
import { ActionAnnouncer } from "./announcer.js";
import { MAX_BLOCKING_WAIT_MS, WskLambdaHandler } from "./wsk-lambda-handler.js";

export interface WskComputerServerOptions {
  /** `host:port` to serve `uiiit.rpc.EdgeServer` on; port 0 picks one. */
  readonly serverEndpoint: string;
  /** OpenWhisk API root (`http://host:3233`, optionally ending in `/api/v1`). */
  readonly apiRoot: string;
  /** OpenWhisk key, `uuid:key` or its base64 encoding. Never logged, never in an error. */
  readonly auth: string;
  /** Skip TLS verification towards OpenWhisk (the reference always did; we verify by default). */
  readonly insecure?: boolean;
  /** Controller to announce to; empty or absent: none, and no listing. */
  readonly controllerEndpoint?: string;
  /** Host (or `host:port`) announced instead of the bound end-point. */
  readonly advertise?: string;
  /** `LambdaResponse.responder`; default the API root. */
  readonly name?: string;
  /** Listing period, ms (reference §6.4: 1 s). */
  readonly listerPeriodMs?: number;
  /** The controller's lease, ms (default 15 s): re-announced every third; 0 = announce on change only. */
  readonly leaseTtlMs?: number;
  /** OpenWhisk's blocking wait per invocation, ms (default and maximum 60 s). */
  readonly timeoutMs?: number;
  /** Namespace listed (default `_`, the key's own). */
  readonly namespace?: string;
  /** Listing page size (default 200). */
  readonly pageSize?: number;
  /** `numWorkers` of each announced container (default 1, as the reference). */
  readonly numWorkers?: number;
  /** Control-plane token for the controller. */
  readonly token?: string;
  readonly tls?: ServerTlsOptions;
  /** TLS towards the controller. */
  readonly clientTls?: ClientTlsOptions;
  readonly logger?: Logger;
}

export interface WskComputerServer {
  /** End-point as bound. */
  readonly serverEndpoint: string;
  /** End-point announced to the controller. */
  readonly announcedEndpoint: string;
  readonly responder: string;
  /** The last listing; undefined before the first, or without a controller. */
  actions(): ActionView | undefined;
  /** Stops listing, removes the computer from the controller, drains calls, closes. */
  close(): Promise<void>;
}

const LIST_TIMEOUT_MS = 10_000;
const CONTROLLER_CALL_TIMEOUT_MS = 2_000;
/** setTimeout's longest delay: "never" for a lease that does not expire. */
const NEVER_MS = 2_147_483_647;
const LOGGED_NAMES = 20;

/**
 * edgecomputerwsk (reference §6.2–6.4): serves `RunLambda` by invoking actions on one OpenWhisk
 * server and, with a controller, advertises that server's actions. Start-up order: the lambda
 * server listens first, then the first listing is announced (never before the server can serve).
 */
export async function createWskComputerServer(
  options: WskComputerServerOptions,
): Promise<WskComputerServer> {
  const logger = options.logger ?? createLogger({ name: "edgecomputerwsk" });
  const client = new OpenWhiskClient({
    apiRoot: options.apiRoot,
    auth: options.auth,
    insecure: options.insecure === true,
  });
  const responder = options.name || client.apiRoot;
  const controllerEndpoint = options.controllerEndpoint ?? "";
  const lister = new ActionLister(client, {
    timeoutMs: LIST_TIMEOUT_MS,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  let listing: PeriodicTask | undefined;

  const handler = new WskLambdaHandler({
    client,
    responder,
    timeoutMs: Math.min(options.timeoutMs ?? MAX_BLOCKING_WAIT_MS, MAX_BLOCKING_WAIT_MS),
    logger,
    // List again at once when an announced action has vanished or the server stopped
    // answering; only then, so failing calls to unknown names cannot make us list per call.
    onSuspect: (name, outcome) => {
      const view = lister.current;
      if (view?.reachable !== true) return;
      if (outcome === "unreachable" || view.actions.includes(name)) listing?.trigger();
    },
  });

  let server: RunningServer;
  try {
    server = await serve({
      name: "edgecomputerwsk",
      endpoint: options.serverEndpoint,
      routes: (router) =>
        router.service(EdgeServer, {
          runLambda: (request, context) => handler.run(request, context),
        }),
      logger,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  } catch (error) {
    client.close();
    throw error;
  }
  const announcedEndpoint = advertisedEndpoint(options.advertise, server.endpoint);

  let announcer: ActionAnnouncer | undefined;
  let transport: EndpointTransport | undefined;
  if (controllerEndpoint !== "") {
    if (/^(0\.0\.0\.0|\[::\]):/.test(announcedEndpoint)) {
      logger.warn(
        { endpoint: announcedEndpoint },
        "announcing a wildcard address; set --advertise",
      );
    }
    transport = createTransport(controllerEndpoint, {
      defaultTimeoutMs: CONTROLLER_CALL_TIMEOUT_MS,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
    });
    const leaseTtlMs = options.leaseTtlMs ?? 15_000;
    const periodMs = leaseTtlMs > 0 ? Math.max(1, Math.floor(leaseTtlMs / 3)) : NEVER_MS;
    const activeAnnouncer = new ActionAnnouncer({
      controller: createClient(EdgeController, transport),
      controllerEndpoint,
      endpoint: announcedEndpoint,
      periodMs,
      backoff: { initialMs: Math.min(200, periodMs), maxMs: Math.min(periodMs, 5_000) },
      callTimeoutMs: CONTROLLER_CALL_TIMEOUT_MS,
      processor: "openwhisk",
      numWorkers: options.numWorkers ?? 1,
      logger,
    });
    announcer = activeAnnouncer;
    const listerPeriodMs = options.listerPeriodMs ?? 1_000;
    listing = startPeriodicTask(
      async () => {
        const change = await lister.refresh();
        if (change === undefined) return;
        logChange(logger, change, client.apiRoot, controllerEndpoint);
        activeAnnouncer.offer(lambdasOf(change.after));
      },
      {
        periodMs: listerPeriodMs,
        // refresh() never throws: a failed listing is a view of its own.
        backoff: { initialMs: listerPeriodMs, maxMs: listerPeriodMs },
      },
    );
  }
  logger.info(
    {
      endpoint: server.endpoint,
      announced: announcedEndpoint,
      openwhisk: client.apiRoot,
      controller: controllerEndpoint,
    },
    "edge computer for OpenWhisk started",
  );

  const running = server;
  let closing: Promise<void> | undefined;
  return {
    serverEndpoint: running.endpoint,
    announcedEndpoint,
    responder,
    actions: () => lister.current,
    close() {
      closing ??= (async () => {
        // No new listings; one in flight may end after the announcer closed, which ignores it,
        // and must not hold the shutdown up: closing the client below ends it.
        const listed = listing?.stop();
        // Out of the domain first, then drain the calls already routed here.
        await announcer?.close();
        await running.close();
        transport?.close();
        client.close();
        await listed;
      })();
      return closing;
    },
  };
}

function logChange(logger: Logger, change: ActionChange, root: string, controller: string): void {
  const { before, after, added, removed } = change;
  if (!after.reachable) {
    logger.warn(
      { reason: after.reason, removed: removed.length },
      "OpenWhisk cannot be listed; announcing no lambdas",
    );
    return;
  }
  if (before !== undefined && !before.reachable) logger.info("OpenWhisk can be listed again");
  // Reference §9's line, with what changed (a few names, all counts: listings can be long).
  logger.info(
    {
      actions: after.actions.length,
      added: added.slice(0, LOGGED_NAMES),
      removed: removed.slice(0, LOGGED_NAMES),
      addedCount: added.length,
      removedCount: removed.length,
    },
    `Set of actions at ${root} changed, announcing to ${controller}`,
  );
}
