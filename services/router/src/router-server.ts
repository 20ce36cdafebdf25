import { randomUUID } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { EdgeController, EdgeRouter, EdgeServer } from "@soe/proto";
import {
  advertisedEndpoint,
  Announcer,
  type ClientTlsOptions,
  Conf,
  controlAuthInterceptor,
  createLogger,
  type Logger,
  MetricsRegistry,
  parseEndpoint,
  peerFailure,
  registerProcessMetrics,
  type RunningServer,
  type Scheduler,
  type ServerTlsOptions,
  serve,
  TransportPool,
  backgroundScheduler,
} from "@soe/runtime";
import { DestinationHealth } from "./destination-health.js";
import { DestinationLimiter } from "./destination-limiter.js";
import { LambdaForwarder } from "./lambda-forwarder.js";
import { makeLocalOptimizer } from "./optimizers/optimizer-factory.js";
import { DestinationLoad } from "./destination-load.js";
import { makeForwardingTable } from "./policies/policy-factory.js";
import { RetryBudget } from "./retry-budget.js";
import { RouterTables } from "./router-tables.js";
import { tableService } from "./table-service.js";
import { TableUpkeep } from "./table-upkeep.js";

export interface RouterServerOptions {
  /** Lambda end-point (EdgeServer), `host:port`; port 0 picks one. */
  readonly serverEndpoint: string;
  /** Forwarding-table end-point (EdgeRouter); may equal serverEndpoint (one port for both). */
  readonly configurationEndpoint: string;
  /** Controller to announce to; empty = none. */
  readonly controllerEndpoint?: string;
  /**
   * Host, or host:port, announced instead of the bound end-points (bind 0.0.0.0, announce a
   * reachable name); a host keeps each bound port. A port names the lambda end-point.
   */
  readonly advertise?: string;
  readonly tableConf?: string;
  readonly optimizerConf?: string;
  readonly routerConf?: string;
  /** Deadline of each forwarded call, ms. */
  readonly timeoutMs?: number;
  /** Re-announcement period, ms (a third of the controller's lease). */
  readonly announcePeriodMs?: number;
  readonly token?: string;
  readonly tls?: ServerTlsOptions;
  readonly clientTls?: ClientTlsOptions;
  readonly logger?: Logger;
  /** Milliseconds; tables, optimizers, health and forwarding all read this one. */
  readonly clock?: () => number;
  /** Timers (probes, optimizer polls, lease refreshes); background `setTimeout`s by default. */
  readonly schedule?: Scheduler;
  readonly rng?: () => number;
}

export interface RouterServer {
  /** Lambda end-point as bound. */
  readonly serverEndpoint: string;
  readonly configurationEndpoint: string;
  readonly tables: RouterTables;
  readonly bootId: string;
  close(): Promise<void>;
}

/** Reference §3.7 defaults, except max-pending-clients (2 there, for its thread-per-call pool). */
export const DEFAULT_ROUTER_CONF = "max-pending-clients=100,min-forward-time=0,max-forward-time=0";
/** Ours: the reference's default is `type=random` (README "Policies under load"). */
export const DEFAULT_TABLE_CONF = "type=least-latency-rif";
export const DEFAULT_OPTIMIZER_CONF = "type=trivial,period=10,stat=mean";

/**
 * An edge router: two forwarding tables behind `uiiit.rpc.EdgeRouter`, lambdas forwarded behind
 * `uiiit.rpc.EdgeServer`, announced to the controller with a lease. Start-up order as the
 * reference: tables, table server, lambda server, then the announcement.
 */
export async function createRouterServer(options: RouterServerOptions): Promise<RouterServer> {
  const logger = options.logger ?? createLogger({ name: "edgerouter" });
  const clock = options.clock ?? (() => performance.now());
  const schedule = options.schedule ?? backgroundScheduler;
  const rng = options.rng ?? Math.random;
  const routerConf = parseConf(options.routerConf ?? DEFAULT_ROUTER_CONF, logger);
  const tableConf = parseConf(options.tableConf ?? DEFAULT_TABLE_CONF, logger);
  const optimizerConf = parseConf(options.optimizerConf ?? DEFAULT_OPTIMIZER_CONF, logger);

  // One count of calls in flight per destination, shared by both tables' policies.
  const load = new DestinationLoad(clock);
  const tables = new RouterTables({
    makeTable: () => makeForwardingTable(tableConf, { clock, rng, load }),
    makeOptimizer: (table) => makeLocalOptimizer(optimizerConf, table, clock),
  });
  const health = new DestinationHealth(clock, { initialMs: 500, maxMs: 30_000, rng });
  const transports = new TransportPool({
    ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
  });
  const controlTransports = new TransportPool({
    defaultTimeoutMs: 2_000,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
  });
  const controller = options.controllerEndpoint
    ? createClient(EdgeController, controlTransports.get(options.controllerEndpoint))
    : undefined;

  // Probes put ejected routes back when their back-off expires; optimizers run when due.
  const upkeep = new TableUpkeep({ tables, health, clock, schedule, logger });
  upkeep.start();

  const forwarder = new LambdaForwarder({
    tables,
    health,
    load,
    limiter: new DestinationLimiter(
      routerConf.has("max-pending-clients") ? routerConf.getUint("max-pending-clients") : 100,
    ),
    budget: new RetryBudget({ ratio: 0.2, clock }),
    transports,
    timeoutMs: options.timeoutMs ?? 30_000,
    forwardDelay: {
      min: routerConf.has("min-forward-time") ? routerConf.getDouble("min-forward-time") : 0,
      max: routerConf.has("max-forward-time") ? routerConf.getDouble("max-forward-time") : 0,
    },
    fake: routerConf.has("fake") && routerConf.getBool("fake"),
    rng,
    clock,
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    logger,
    onEjected: (destination) => {
      upkeep.ejected();
      // The controller is told, and decides (DESIGN §4); a failure to tell it is only logged.
      controller?.removeComputer({ edgeServerEndpoint: destination }).catch((error: unknown) => {
        const cause = peerFailure(error);
        if (cause === undefined) {
          logger.error({ err: error, controller: options.controllerEndpoint }, "removal failed");
        } else {
          logger.warn(
            { controller: options.controllerEndpoint, cause, destination },
            `could not tell the controller at ${options.controllerEndpoint} that ${destination} left: ${cause}`,
          );
        }
      });
    },
  });

  const metrics = new MetricsRegistry();
  registerProcessMetrics(metrics);
  const interceptors = [
    controlAuthInterceptor({
      token: options.token,
      protect: (procedure) => procedure === "/uiiit.rpc.EdgeRouter/Configure",
    }),
  ];
  const common = {
    logger,
    metrics,
    interceptors,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  const servers: RunningServer[] = [];
  const shared = options.serverEndpoint === options.configurationEndpoint;
  const tableImpl = tableService(tables, health, logger);
  const lambdaImpl = { runLambda: forwarder.run.bind(forwarder) };
  try {
    const tableServer = await serve({
      ...common,
      name: "edgerouter",
      endpoint: options.configurationEndpoint,
      routes: (router) => {
        router.service(EdgeRouter, tableImpl);
        if (shared) router.service(EdgeServer, lambdaImpl);
      },
    });
    servers.push(tableServer);
    const lambdaServer = shared
      ? tableServer
      : await serve({
          ...common,
          name: "edgerouter",
          endpoint: options.serverEndpoint,
          routes: (router) => router.service(EdgeServer, lambdaImpl),
        });
    if (!shared) servers.push(lambdaServer);

    const bootId = randomUUID();
    // `--advertise host:port` names the lambda end-point; a table end-point of its own keeps
    // its bound port under the advertised host.
    const edgeServerEndpoint = advertisedEndpoint(options.advertise, lambdaServer.endpoint);
    const announced = {
      edgeServerEndpoint,
      forwardingTableEndpoint:
        shared || !options.advertise
          ? advertisedEndpoint(options.advertise, tableServer.endpoint)
          : advertisedEndpoint(parseEndpoint(edgeServerEndpoint).host, tableServer.endpoint),
      bootId,
    };
    let announcer: Announcer | undefined;
    if (controller !== undefined && options.controllerEndpoint) {
      const periodMs = options.announcePeriodMs ?? 5_000;
      // There is no RemoveRouter: a router leaves when its lease expires.
      announcer = new Announcer({
        controllerEndpoint: options.controllerEndpoint,
        announce: async () => {
          await controller.announceRouter(announced);
          return announced;
        },
        periodMs,
        backoff: { initialMs: Math.min(200, periodMs), maxMs: periodMs },
        schedule,
        logger,
      });
      announcer.start();
    }
    logger.info(
      {
        lambdas: lambdaServer.endpoint,
        table: tableServer.endpoint,
        tableConf: tableConf.toString(),
        optimizerConf: optimizerConf.toString(),
        routerConf: routerConf.toString(),
      },
      "edge router started",
    );
    return {
      serverEndpoint: lambdaServer.endpoint,
      configurationEndpoint: tableServer.endpoint,
      tables,
      bootId,
      async close() {
        await announcer?.close();
        upkeep.close();
        await Promise.all(servers.map((s) => s.close()));
        transports.close();
        controlTransports.close();
      },
    };
  } catch (error) {
    upkeep.close();
    await Promise.all(servers.map((s) => s.close()));
    transports.close();
    controlTransports.close();
    throw error;
  }
}

function parseConf(text: string, logger: Logger): Conf {
  const { conf, warnings } = Conf.parse(text);
  for (const warning of warnings) logger.warn(warning);
  return conf;
}
