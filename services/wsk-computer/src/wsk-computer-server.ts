import { createClient } from "@connectrpc/connect";
import { OpenWhiskClient } from "@soe/openwhisk";
import { EdgeController, EdgeServer, soev1 } from "@soe/proto";
import {
  advertisedEndpoint,
  type ClientTlsOptions,
  controlAuthInterceptor,
  createControllerTransport,
  createLogger,
  type EndpointTransport,
  type Logger,
  type PeriodicTask,
  type RunningServer,
  serve,
  type ServerTlsOptions,
  startPeriodicTask,
} from "@soe/runtime";
import {
  type ActionChange,
  ActionLister,
  type ActionView,
  lambdasOf,
  publicLambdasOf,
} from "./action-lister.js";
import { ActionAnnouncer } from "./announcer.js";
import { markingPublicContainers } from "./public-containers.js";
import { InstallationRegistrar } from "./installation-registrar.js";
import { installationService } from "./installation-service.js";
import { KeyNamespace } from "./key-namespace.js";
import type { Labels } from "./labels.js";
import { RecentActivations } from "./recent-activations.js";
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
  /**
   * Control-plane token: sent to the controller, and required of callers of InstallationService
   * (RunLambda stays open, as on every computer). Absent: neither.
   */
  readonly token?: string;
  /**
   * Other namespaces whose published packages' actions are announced too, for every key of the
   * domain to invoke (`--public-namespaces`; default none).
   */
  readonly publicNamespaces?: readonly string[];
  /** The installation's labels (`--labels`), for the controller's placement. */
  readonly labels?: Labels;
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
  /** The key's namespace, once OpenWhisk told it. */
  namespace(): string | undefined;
  /** Whether the controller took the installation's last registration. */
  registered(): boolean;
  /** Stops listing, removes the computer from the controller, drains calls, closes. */
  close(): Promise<void>;
}

const LIST_TIMEOUT_MS = 10_000;
const CONTROLLER_CALL_TIMEOUT_MS = 2_000;
/** setTimeout's longest delay: "never" for a lease that does not expire. */
const NEVER_MS = 2_147_483_647;
const LOGGED_NAMES = 20;
const INSTALLATION_SERVICE = `/${soev1.InstallationService.typeName}/`;

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
    ...(options.publicNamespaces === undefined
      ? {}
      : { publicNamespaces: options.publicNamespaces }),
  });
  let listing: PeriodicTask | undefined;
  // An explicit namespace is the key's; `_` (the default) is asked of OpenWhisk: at start by the
  // registration when there is a controller, else by the first DescribeInstallation.
  const explicitNamespace =
    options.namespace === undefined || options.namespace === "_" ? undefined : options.namespace;
  const keyNamespace = new KeyNamespace(
    () => client.listNamespaces({ timeoutMs: LIST_TIMEOUT_MS }),
    explicitNamespace,
  );
  let afterChange: ((waitMs: number) => Promise<void>) | undefined;
  // Set once the server listens; a call accepted before then cannot come (nothing listens).
  let announced = "";
  const recent = new RecentActivations();

  const handler = new WskLambdaHandler({
    client,
    responder,
    timeoutMs: Math.min(options.timeoutMs ?? MAX_BLOCKING_WAIT_MS, MAX_BLOCKING_WAIT_MS),
    logger,
    installation: () => announced,
    recent,
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
      routes: (router) => {
        router.service(EdgeServer, {
          runLambda: (request, context) => handler.run(request, context),
        });
        router.service(
          soev1.InstallationService,
          installationService({
            client,
            namespace: () => keyNamespace.resolve(),
            labels: options.labels ?? {},
            afterChange: (waitMs) => afterChange?.(waitMs) ?? Promise.resolve(),
            recent,
            logger,
          }),
        );
      },
      // The key's power is behind InstallationService: it is control plane, lambdas are not.
      interceptors: [
        controlAuthInterceptor({
          token: options.token,
          protect: (procedure) => procedure.startsWith(INSTALLATION_SERVICE),
        }),
      ],
      logger,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  } catch (error) {
    client.close();
    throw error;
  }
  const announcedEndpoint = advertisedEndpoint(options.advertise, server.endpoint);
  announced = announcedEndpoint;

  let announcer: ActionAnnouncer | undefined;
  let registrar: InstallationRegistrar | undefined;
  let transport: EndpointTransport | undefined;
  if (controllerEndpoint !== "") {
    if (/^(0\.0\.0\.0|\[::\]):/.test(announcedEndpoint)) {
      logger.warn(
        { endpoint: announcedEndpoint },
        "announcing a wildcard address; set --advertise",
      );
    }
    // --controller-endpoint a,b,c (issue 13): the first controller that answers.
    transport = createControllerTransport(controllerEndpoint, {
      logger,
      defaultTimeoutMs: CONTROLLER_CALL_TIMEOUT_MS,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
    });
    const leaseTtlMs = options.leaseTtlMs ?? 15_000;
    const periodMs = leaseTtlMs > 0 ? Math.max(1, Math.floor(leaseTtlMs / 3)) : NEVER_MS;
    const activeAnnouncer = new ActionAnnouncer({
      controller: markingPublicContainers(createClient(EdgeController, transport), () =>
        publicLambdasOf(lister.current),
      ),
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
    registrar = new InstallationRegistrar({
      controller: createClient(soev1.DeploymentService, transport),
      controllerEndpoint,
      endpoint: announcedEndpoint,
      namespace: () => keyNamespace.resolve(),
      labels: options.labels ?? {},
      leaseTtlMs,
      periodMs,
      backoff: { initialMs: Math.min(200, periodMs), maxMs: Math.min(periodMs, 5_000) },
      callTimeoutMs: CONTROLLER_CALL_TIMEOUT_MS,
      logger,
    });
    registrar.start();
    // One listing at a time, periodic or asked for by an applied entity: two in parallel could
    // remember the older view last.
    let lastListing: Promise<void> = Promise.resolve();
    const relist = (): Promise<void> => {
      lastListing = lastListing.then(async () => {
        const change = await lister.refresh();
        if (change === undefined) return;
        logChange(logger, change, client.apiRoot, controllerEndpoint);
        activeAnnouncer.offer(lambdasOf(change.after));
      });
      return lastListing;
    };
    afterChange = async (waitMs) => {
      await relist();
      if (!(await activeAnnouncer.announced(waitMs))) {
        logger.warn(
          { controller: controllerEndpoint, waitMs },
          "the controller has not taken the changed actions yet; answering anyway",
        );
      }
    };
    const listerPeriodMs = options.listerPeriodMs ?? 1_000;
    listing = startPeriodicTask(relist, {
      periodMs: listerPeriodMs,
      // refresh() never throws: a failed listing is a view of its own.
      backoff: { initialMs: listerPeriodMs, maxMs: listerPeriodMs },
    });
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
    namespace: () => keyNamespace.value,
    registered: () => registrar?.registered ?? false,
    close() {
      closing ??= (async () => {
        // No new listings; one in flight may end after the announcer closed, which ignores it,
        // and must not hold the shutdown up: closing the client below ends it.
        const listed = listing?.stop();
        // Out of the domain first, then drain the calls already routed here.
        await registrar?.close();
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
