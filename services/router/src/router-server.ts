import { randomUUID } from "node:crypto";
import {
  backgroundScheduler,
  type ClientTlsOptions,
  Conf,
  createLogger,
  type Logger,
  type Scheduler,
  type ServerTlsOptions,
  TransportPool,
} from "@soe/runtime";
import { ControllerLink } from "./controller-link.js";
import { DestinationHealth } from "./destination-health.js";
import { DestinationLimiter } from "./destination-limiter.js";
import { LambdaForwarder } from "./lambda-forwarder.js";
import { makeLocalOptimizer } from "./optimizers/optimizer-factory.js";
import { DestinationLoad } from "./destination-load.js";
import { registerDestinationMetrics } from "./destination-metrics.js";
import { makeForwardingTable } from "./policies/policy-factory.js";
import { MeteredRetryBudget } from "./retry-budget-metrics.js";
import { routerAnnouncement } from "./router-announcement.js";
import { DEFAULT_ROUTER_CONF, routerSettings } from "./router-conf.js";
import { listenRouter, type RouterListeners, routerMetricsRegistry } from "./router-listeners.js";
import { FINAL_TABLE, OVERALL_TABLE, RouterTables } from "./router-tables.js";
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

export { DEFAULT_ROUTER_CONF } from "./router-conf.js";
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
  const settings = routerSettings(routerConf);

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
  const controller = options.controllerEndpoint
    ? new ControllerLink({
        controllerEndpoint: options.controllerEndpoint,
        announcePeriodMs: options.announcePeriodMs ?? 5_000,
        schedule,
        logger,
        ...(options.token === undefined ? {} : { token: options.token }),
        ...(options.clientTls === undefined ? {} : { clientTls: options.clientTls }),
      })
    : undefined;

  // Probes put ejected routes back when their back-off expires; optimizers run when due.
  const upkeep = new TableUpkeep({ tables, health, clock, schedule, logger });
  upkeep.start();

  const metrics = routerMetricsRegistry();
  const destinationMetrics = registerDestinationMetrics(metrics, {
    inFlight: (destination) => load.inFlight(destination),
    tables: () => [
      { table: String(OVERALL_TABLE), rows: tables.rows(OVERALL_TABLE) },
      { table: String(FINAL_TABLE), rows: tables.rows(FINAL_TABLE) },
    ],
  });

  const forwarder = new LambdaForwarder({
    tables,
    health,
    load,
    limiter: new DestinationLimiter(settings.maxPendingClients),
    budget: new MeteredRetryBudget({ ratio: 0.2, clock }, metrics),
    transports,
    timeoutMs: options.timeoutMs ?? 30_000,
    forwardDelay: settings.forwardDelay,
    fake: settings.fake,
    rng,
    clock,
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    logger,
    metrics: destinationMetrics,
    policy: tableConf.has("type") ? tableConf.getString("type") : "",
    onEjected: (destination) => {
      upkeep.ejected();
      controller?.reportEjected(destination);
    },
  });

  const release = async () => {
    await controller?.close();
    upkeep.close();
    transports.close();
  };
  let listeners: RouterListeners;
  try {
    listeners = await listenRouter({
      lambdaEndpoint: options.serverEndpoint,
      tableEndpoint: options.configurationEndpoint,
      table: tableService(tables, health, logger),
      lambda: { runLambda: forwarder.run.bind(forwarder) },
      token: options.token,
      logger,
      metrics,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  } catch (error) {
    await release();
    throw error;
  }

  const bootId = randomUUID();
  controller?.startAnnouncing(
    routerAnnouncement({
      advertise: options.advertise,
      lambdaEndpoint: listeners.lambdaEndpoint,
      tableEndpoint: listeners.tableEndpoint,
      bootId,
    }),
  );
  logger.info(
    {
      lambdas: listeners.lambdaEndpoint,
      table: listeners.tableEndpoint,
      tableConf: tableConf.toString(),
      optimizerConf: optimizerConf.toString(),
      routerConf: routerConf.toString(),
    },
    "edge router started",
  );
  return {
    serverEndpoint: listeners.lambdaEndpoint,
    configurationEndpoint: listeners.tableEndpoint,
    tables,
    bootId,
    async close() {
      // Stop announcing first: the controller should not install towards a closing router.
      await controller?.close();
      upkeep.close();
      await listeners.close();
      transports.close();
    },
  };
}

function parseConf(text: string, logger: Logger): Conf {
  const { conf, warnings } = Conf.parse(text);
  for (const warning of warnings) logger.warn(warning);
  return conf;
}
