import { randomUUID } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { EdgeController as EdgeControllerService, EdgeRouter, soev1 } from "@soe/proto";
import {
  type BackoffOptions,
  type ClientTlsOptions,
  controlAuthInterceptor,
  createLogger,
  type Logger,
  MetricsRegistry,
  type RunningServer,
  registerProcessMetrics,
  type ServerTlsOptions,
  serve,
  startPeriodicTask,
  TransportPool,
} from "@soe/runtime";
import { Etcd3 } from "etcd3";
import { ControlPlane } from "./control-plane.js";
import { type ControllerStore, FileStore } from "./controller-store.js";
import { EtcdLeadership } from "./etcd-leadership.js";
import { EtcdStore, StoreUnavailable } from "./etcd-store.js";
import { InstallProgress } from "./install-progress.js";
import { LeaderInstalls } from "./leader-installs.js";
import { remoteChanges } from "./remote-changes.js";
import { parseStoreUrl } from "./store-url.js";
import { controllerService } from "./controller-service.js";
import { deploymentService } from "./deployment-service.js";
import { Deployments } from "./deployments.js";
import { DesiredState } from "./desired-state.js";
import { InstallIdleSignal } from "./install-idle.js";
import { registerInstallMetrics } from "./install-metrics.js";
import { installationCalls } from "./installation-calls.js";
import { InstallationRegistry } from "./installation-registry.js";
import { EdgeController } from "./edge-controller.js";
import { FlatInstaller } from "./flat-installer.js";
import { HierInstaller } from "./hier-installer.js";
import type { HierObjective } from "./home-router.js";
import type { Installer } from "./installer.js";
import { queryService } from "./query-service.js";
import { DEFAULT_RECONCILE_INTERVAL_MS, Reconciler } from "./reconciler.js";
import { type InstallQueueListener, RouterInstallQueues } from "./router-install-queue.js";
import { RouterTableAdoption } from "./router-table-adoption.js";
import { RouterTableSync, type TableSyncListener } from "./router-table-sync.js";
import { tableSyncClient } from "./table-sync-client.js";
import { InvalidStateFile, type SavedState } from "./state-file.js";
import type { Topology } from "./topology.js";

export interface ControllerServerOptions {
  /** `host:port` to bind; port 0 picks one. Default `127.0.0.1:0`. */
  readonly serverEndpoint?: string;
  /** Default flat. */
  readonly installerType?: "flat" | "hier";
  /** Required by the hier installer. */
  readonly topology?: Topology;
  /** Default min-max. */
  readonly hierObjective?: HierObjective;
  /** Lease of every announcement, ms (default 15 s); 0 = announcements never expire. */
  readonly leaseTtlMs?: number;
  /** Where membership is kept across restarts; none when undefined or empty. */
  readonly stateFile?: string;
  /**
   * `etcd://host:port[,host:port…]`: membership and desired state in etcd, shared with the other
   * controllers of the domain, and leader election (issue 13). Not with `stateFile`.
   */
  readonly store?: string;
  /** The etcd lease of the leadership, seconds (default 5): how long a dead leader holds it. */
  readonly leaderLeaseS?: number;
  /** This controller's name in the election and in its writes (default a random UUID). */
  readonly controllerId?: string;
  /**
   * Without a store: read each router's table the first time it is met and adopt the computers
   * found there before sending it anything (issue 13; default true). Ignored with a store.
   */
  readonly adoptRoutedComputers?: boolean;
  /** Deadline of each Configure call, ms (default 2 s). */
  readonly installTimeoutMs?: number;
  /** Delays between attempts at a failing router (default 100 ms doubling to 5 s, jittered). */
  readonly installBackoff?: BackoffOptions;
  /** Configure calls in flight at once per reference router (default 64); 1 sends one at a time. */
  readonly installWindow?: number;
  /** Pairs per table-sync batch at most (default 10,000). */
  readonly installBatchPairs?: number;
  /** Control-plane token: required on EdgeController calls, and sent with Configure. */
  readonly token?: string;
  readonly tls?: ServerTlsOptions;
  /** TLS towards the routers' forwarding-table end-points. */
  readonly routerTls?: ClientTlsOptions;
  /** Between two reconciliation passes over every OpenWhisk installation, ms (default 10 s). */
  readonly reconcileIntervalMs?: number;
  /** Deadline of each InstallationService call to a wsk-computer, ms (default 10 s). */
  readonly installationTimeoutMs?: number;
  /** How long PutEntity of an action waits for the routers to hold its routes, ms (default 5 s). */
  readonly routesWaitMs?: number;
  readonly logger?: Logger;
  /** ms, monotonic (default performance.now). */
  readonly clock?: () => number;
  /** Unix ms, for entities' and reconciliations' times (default Date.now). */
  readonly unixClock?: () => number;
  readonly rng?: () => number;
}

export interface ControllerServer {
  /** `host:port` as bound. */
  readonly endpoint: string;
  readonly url: string;
  /** Whether this controller installs tables and reconciles (always, without a shared store). */
  readonly leader: boolean;
  /** Stops serving, stops installing, saves the state file. */
  close(): Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_LEADER_LEASE_S = 5;
export const DEFAULT_INSTALL_TIMEOUT_MS = 2_000;
/** An apply is a PUT to OpenWhisk plus the wsk-computer's re-announcement. */
export const DEFAULT_INSTALLATION_TIMEOUT_MS = 10_000;
/** Enough to keep a router on a LAN busy: one call at a time is bound by the round trip. */
export const DEFAULT_INSTALL_WINDOW = 64;

/**
 * The edge controller (reference §2, DESIGN §4): `uiiit.rpc.EdgeController` and the read API on
 * one port, forwarding tables installed per router through their own queues, leases collected by
 * a timer, membership saved to and restored from the state file. Beside them (DESIGN §9),
 * `soe.v1.DeploymentService`: the desired OpenWhisk entities and the installations reconciled to
 * them, kept in the same state file.
 * Throws InvalidStateFile if the state file (or a record in etcd) cannot be read, parsed or
 * written, StoreUnavailable if etcd cannot be reached at start.
 */
export async function createControllerServer(
  options: ControllerServerOptions = {},
): Promise<ControllerServer> {
  const logger = options.logger ?? createLogger({ name: "edgecontroller" });
  const clock = options.clock ?? (() => performance.now());
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const controller = new EdgeController({ installer: makeInstaller(options), clock, leaseTtlMs });
  const statePath = options.stateFile || undefined;
  const storeUrl = options.store || undefined;
  if (statePath !== undefined && storeUrl !== undefined) {
    throw new InvalidStateFile("--state-file and --store cannot be used together: choose one");
  }
  const etcdAddress = storeUrl === undefined ? undefined : parseStoreUrl(storeUrl);
  const controllerId = options.controllerId ?? randomUUID();
  const etcd =
    etcdAddress === undefined
      ? undefined
      : new Etcd3({
          hosts: [...etcdAddress.hosts],
          ...(etcdAddress.auth === undefined ? {} : { auth: { ...etcdAddress.auth } }),
          dialTimeout: 2_000,
        });
  const etcdNamespace = etcdAddress === undefined ? undefined : etcd?.namespace(etcdAddress.prefix);

  const idleSignal = new InstallIdleSignal(() => installs.routers().length > 0);
  const log = installLog(logger);
  const routerIdle = (router: string) => {
    log.idle?.(router);
    idleSignal.idle();
    progress?.idle();
  };
  // With a shared store: whether the leader has installed what was written (read-your-writes).
  let progress: InstallProgress | undefined;
  const unixClock = options.unixClock ?? Date.now;
  const desired = new DesiredState();
  const registry = new InstallationRegistry({ clock });

  const pool = new TransportPool({
    defaultTimeoutMs: options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS,
    ...(options.token ? { token: options.token } : {}),
    ...(options.routerTls === undefined ? {} : { tls: options.routerTls }),
  });
  const metrics = new MetricsRegistry();
  registerProcessMetrics(metrics);
  const installMetrics = registerInstallMetrics(metrics);
  const timeoutMs = options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS;
  const backoff = options.installBackoff ?? { initialMs: 100, maxMs: 5_000, jitter: 0.2 };
  // One table sync per leadership term, each with its own epoch (a whole table to every router
  // when a term starts); without a shared store, one term from start to close.
  // Without a store, nothing remembers the computers that announced before a restart but the
  // routers' tables: the first contact with each router reads its table (issue 13).
  const adoption =
    statePath === undefined && storeUrl === undefined && (options.adoptRoutedComputers ?? true)
      ? new RouterTableAdoption({
          read: async (router, call) =>
            (await createClient(EdgeRouter, pool.get(router)).getTable({ value: 0 }, call)).entries,
          isRouter: (endpoint) => controller.membership.router(endpoint) !== undefined,
          adopt: (router, computers) => plane.adoptComputers(router, computers),
        })
      : undefined;
  const installs = new LeaderInstalls(
    () =>
      new RouterTableSync({
        send: installMetrics.tableSync(tableSyncClient((router) => pool.get(router))),
        // Reference routers, which do not serve soe.v1.TableSyncService: one Configure per entry.
        configure: new RouterInstallQueues({
          timeoutMs,
          backoff,
          pipelineDepth: options.installWindow ?? DEFAULT_INSTALL_WINDOW,
          send: installMetrics.configure(
            async (router, conf, call) =>
              (await createClient(EdgeRouter, pool.get(router)).configure(conf, call)).msg,
          ),
          listener: { ...log, idle: routerIdle },
        }),
        fullTable: (router) => plane.fullTable(router),
        epoch: randomUUID(),
        timeoutMs,
        backoff,
        ...(options.installBatchPairs === undefined
          ? {}
          : { maxBatchPairs: options.installBatchPairs }),
        listener: { ...syncLog(logger), idle: routerIdle },
        ...(adoption === undefined
          ? {}
          : { beforeFirstSync: (router, call) => adoption.beforeFirstSync(router, call) }),
      }),
  );
  const snapshot = () => ({
    ...controller.membership.snapshot(),
    entities: desired.entities(),
    installations: registry.snapshot(),
  });
  let store: ControllerStore | undefined;
  let etcdStore: EtcdStore | undefined;
  if (statePath !== undefined) {
    store = new FileStore({
      path: statePath,
      snapshot,
      onError: (err) => logger.error({ err, path: statePath }, "could not save the state file"),
    });
  }
  const plane = new ControlPlane({
    controller,
    installs,
    logger,
    onMembershipChange: (events) => store?.changed(events),
    onAnnounced: (announcement) => store?.announced(announcement),
  });

  const calls = installationCalls(
    pool,
    options.installationTimeoutMs ?? DEFAULT_INSTALLATION_TIMEOUT_MS,
  );
  const reconcileIntervalMs = options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
  const reconciler = new Reconciler({
    desired,
    registry,
    calls,
    logger,
    unixClock,
    metrics,
    intervalMs: reconcileIntervalMs,
  });
  const deployments = new Deployments({
    desired,
    registry,
    reconciler,
    calls,
    logger,
    unixClock,
    routesSettled: (timeoutMs) =>
      progress === undefined ? idleSignal.wait(timeoutMs) : progress.settled(timeoutMs),
    ...(options.routesWaitMs === undefined ? {} : { routesWaitMs: options.routesWaitMs }),
    onChange: () => store?.changed(),
    onRefreshed: (endpoint) => store?.installationRefreshed(endpoint),
  });

  // The leader alone installs tables and reconciles; every controller takes announcements,
  // deployments and reads (issue 13).
  const leaderGauge = metrics.gauge(
    "soe_controller_leader",
    "1 while this controller is the leader (installs forwarding tables, reconciles installations), 0 on a standby",
  );
  leaderGauge.set(undefined, 0);
  let reconciling: { stop(): Promise<void> } | undefined;
  const lead = async (leader: boolean): Promise<void> => {
    leaderGauge.set(undefined, leader ? 1 : 0);
    if (leader) {
      installs.start();
      plane.resyncAll();
      progress?.leading();
      // The first pass runs now: nothing kept the installations in line before this term.
      reconciling ??= startPeriodicTask(async () => void (await reconciler.reconcileAll()), {
        periodMs: reconcileIntervalMs,
        backoff: { initialMs: reconcileIntervalMs, maxMs: reconcileIntervalMs },
      });
      return;
    }
    const stopping = reconciling;
    reconciling = undefined;
    await Promise.all([stopping?.stop(), installs.stop()]);
  };
  let leadership: EtcdLeadership | undefined;
  if (etcdNamespace !== undefined && etcdAddress !== undefined) {
    const events = new InstallProgress({
      namespace: etcdNamespace,
      id: controllerId,
      leading: () => installs.active,
      busy: () => installs.routers().length > 0,
      logger,
    });
    progress = events;
    etcdStore = new EtcdStore({
      onEvent: (key, revision, value) => events.observed(key, revision, value),
      namespace: etcdNamespace,
      source: etcdAddress.display,
      id: controllerId,
      snapshot,
      records: controller.membership,
      remote: remoteChanges({
        plane,
        desired,
        registry,
        reconciler,
        leading: () => installs.active,
      }),
      logger,
    });
    store = etcdStore;
    leadership = new EtcdLeadership({
      namespace: etcdNamespace,
      id: controllerId,
      ttlSeconds: options.leaderLeaseS ?? DEFAULT_LEADER_LEASE_S,
      onChange: (leader) => {
        logger.info(
          { controller: controllerId, leader },
          leader ? "this controller leads" : "this controller stands by",
        );
        void lead(leader);
      },
      logger,
    });
  }

  let server: RunningServer;
  try {
    // Read before anything starts: a corrupted file must stop the start, not be overwritten.
    const saved = await store?.load();
    if (saved !== undefined) restore(saved);
    // Written once at start, so an unwritable path stops the start instead of losing changes.
    await store?.save().catch((err: unknown) => {
      const message = `${statePath ?? etcdAddress?.display}: cannot write: ${(err as Error).message}`;
      throw etcdStore === undefined ? new InvalidStateFile(message) : new StoreUnavailable(message);
    });
    await etcdStore?.watch();
    server = await serve({
      name: "edgecontroller",
      endpoint: options.serverEndpoint ?? "127.0.0.1:0",
      logger,
      metrics,
      routes: (router) => {
        router.service(EdgeControllerService, controllerService(plane, logger));
        router.service(soev1.ControllerQueryService, queryService({ plane, clock, leaseTtlMs }));
        router.service(
          soev1.DeploymentService,
          deploymentService({ deployments, desired, registry, reconciler, clock }),
        );
      },
      // The read API stays open: the proxy lists actions through it without the token. The
      // deployment API does not: documents hold parameters, which may be secrets.
      interceptors: [
        controlAuthInterceptor({
          token: options.token,
          protect: (procedure) =>
            procedure.startsWith("/uiiit.rpc.EdgeController/") ||
            procedure.startsWith("/soe.v1.DeploymentService/"),
        }),
      ],
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  } catch (error) {
    await installs.stop();
    pool.close();
    etcd?.close();
    throw error;
  }

  // A few checks per lease, so an expired computer leaves the tables soon after its lease ends.
  const expiry =
    leaseTtlMs > 0
      ? setInterval(() => plane.expire(), Math.min(leaseTtlMs / 4, 1_000)).unref()
      : undefined;
  // Installations ask for their own lease each; checked every quarter second.
  const installationExpiry = setInterval(() => deployments.expire(), 250).unref();
  // Without a shared store this controller leads from start to close: restored installations
  // are reconciled at once, since nothing kept them in line while we were down.
  if (leadership === undefined) void lead(true);
  else leadership.start();
  logger.info(
    {
      endpoint: server.endpoint,
      leaseTtlMs,
      stateFile: statePath,
      store: etcdAddress?.display,
      controller: controllerId,
      entities: desired.entities().length,
      installations: registry.list().length,
    },
    `Created a controller with ${controller.installerType === "flat" ? "flat" : "hierarchical"} routing`,
  );

  return {
    endpoint: server.endpoint,
    url: server.url,
    get leader() {
      return installs.active;
    },
    async close() {
      clearInterval(expiry);
      clearInterval(installationExpiry);
      await server.close();
      await leadership?.close();
      // Closing the transports ends calls to installations in flight within a second (their
      // sessions are destroyed then): a silent installation would hold the shutdown a deadline.
      const reconcilerStopped = reconciler.stop();
      await lead(false);
      pool.close();
      await reconcilerStopped;
      try {
        await store?.close();
      } finally {
        etcd?.close();
      }
    },
  };

  function restore(saved: SavedState): void {
    desired.restore(saved.entities);
    for (const installation of saved.installations) registry.register(installation);
    plane.restore(saved);
  }
}

function makeInstaller(options: ControllerServerOptions): Installer {
  if ((options.installerType ?? "flat") === "flat") return new FlatInstaller();
  if (options.topology === undefined) throw new Error("the hier installer needs a topology");
  return new HierInstaller({
    rng: options.rng ?? Math.random,
    topology: options.topology,
    objective: options.hierObjective ?? "min-max",
  });
}

/** Table-sync outcomes as log lines, in the words of the Configure path's. */
function syncLog(logger: Logger): TableSyncListener {
  return {
    mode: (router, mode) =>
      logger.info(
        { router, mode },
        mode === "sync"
          ? `edge router at ${router} takes table batches`
          : `edge router at ${router} has no table sync: one command per entry`,
      ),
    failed: (router, err, failures, retryInMs) => {
      const level = (failures & (failures - 1)) === 0 ? "warn" : "debug";
      logger[level](
        { err, router, failures, retryInMs },
        `Could not issue a command to edge router at ${router}`,
      );
    },
    recovered: (router, failures) =>
      logger.info({ router, failures }, `edge router at ${router} reachable again`),
    rejected: (router, err) =>
      logger.warn({ err, router }, `edge router at ${router} refused a table batch`),
    snapshot: (router, held) =>
      logger.info(
        {
          router,
          epoch: held?.epoch,
          version: held === undefined ? undefined : String(held.version),
        },
        `edge router at ${router} does not hold our last version: sending its whole table`,
      ),
  };
}

/** Installation outcomes as log lines; a failing router is logged as it starts failing, then sparingly. */
function installLog(logger: Logger): InstallQueueListener {
  return {
    rejected: (router, conf, msg) =>
      logger.warn(
        { router, lambda: conf.lambda, destination: conf.destination, msg },
        `edge router at ${router} refused a command`,
      ),
    failed: (router, _conf, err, failures, retryInMs) => {
      // reference §2.5's line; at powers of two only, so a router down for hours logs a handful.
      const level = (failures & (failures - 1)) === 0 ? "warn" : "debug";
      logger[level](
        { err, router, failures, retryInMs },
        `Could not issue a command to edge router at ${router}`,
      );
    },
    recovered: (router, failures) =>
      logger.info({ router, failures }, `edge router at ${router} reachable again`),
    idle: (router) => logger.debug({ router }, `edge router at ${router} in sync`),
  };
}
