import { createClient } from "@connectrpc/connect";
import { EdgeComputer, EdgeController, EdgeServer } from "@soe/proto";
import {
  advertisedEndpoint,
  Announcer,
  type ClientTlsOptions,
  createLogger,
  FailoverTransport,
  type Logger,
  MetricsRegistry,
  parseControllerEndpoints,
  parseEndpoint,
  registerProcessMetrics,
  type RunningServer,
  type Scheduler,
  serve,
  type ServerTlsOptions,
  timerScheduler,
  TransportPool,
} from "@soe/runtime";
import { FunctionCatalog, JS_PROCESSOR } from "./functions/function-catalog.js";
import { lambdaService } from "./lambda-service.js";
import { buildComputer, type ComputerProfile } from "./model/profiles.js";
import type { SimulatedComputer } from "./model/simulated-computer.js";
import { DEFAULT_COMPUTER_CONF, profileFromConf } from "./profile-conf.js";
import { SimulationRunner } from "./simulation-runner.js";
import { UtilizationMonitor, type UtilizationSource } from "./utilization-monitor.js";
import { utilizationService } from "./utilization-stream.js";

export interface ComputerServerOptions {
  /** Lambda end-point (EdgeServer and EdgeComputer), `host:port`; port 0 picks one. */
  readonly serverEndpoint: string;
  /** An extra end-point for StreamUtil alone (the reference's :6476); empty = the lambda port. */
  readonly utilizationEndpoint?: string;
  /** Controller to announce to; empty = none. */
  readonly controllerEndpoint?: string;
  /** Host announced instead of the bound one (bind 0.0.0.0, announce a reachable name). */
  readonly advertise?: string;
  /** Reference §5.2 `--conf` string (default: raspberry). Ignored when `profile` is given. */
  readonly conf?: string;
  readonly profile?: ComputerProfile;
  /** Directory of JavaScript functions (`*.js`/`*.mjs` exporting `main(params)`). */
  readonly functionsDir?: string;
  /** Calls of one function running at once (default 4). */
  readonly functionWorkers?: number;
  /** Time limit of one function call, ms (default 60 s). */
  readonly functionTimeoutMs?: number;
  /** Re-announcement period, ms (a third of the lease; default 5 s); 0 announces once. */
  readonly announcePeriodMs?: number;
  /** Utilization sampling period, ms (reference §5.4: 1 s). */
  readonly utilizationPeriodMs?: number;
  readonly token?: string;
  readonly tls?: ServerTlsOptions;
  readonly clientTls?: ClientTlsOptions;
  readonly logger?: Logger;
  /** Milliseconds (default performance.now). */
  readonly clock?: () => number;
  readonly schedule?: Scheduler;
}

export interface ComputerServer {
  /** Lambda end-point as bound. */
  readonly serverEndpoint: string;
  /** Where StreamUtil is served (the lambda end-point unless another was asked for). */
  readonly utilizationEndpoint: string;
  /** The end-point announced to the controller. */
  readonly announcedEndpoint: string;
  /** `computer@<announced end-point>`. */
  readonly name: string;
  readonly model: SimulatedComputer;
  readonly monitor: UtilizationMonitor;
  /** Deregisters, ends utilization streams, drains calls in flight, stops everything. */
  close(): Promise<void>;
}

/**
 * An edge computer (reference §5, DESIGN §4): the simulated model of its profile plus the
 * JavaScript functions of a directory, behind `uiiit.rpc.EdgeServer` and `uiiit.rpc.EdgeComputer`
 * on one port, announced with a lease once it listens.
 */
export async function createComputerServer(
  options: ComputerServerOptions,
): Promise<ComputerServer> {
  const logger = options.logger ?? createLogger({ name: "edgecomputer" });
  const clock = options.clock ?? (() => performance.now());
  const schedule = options.schedule ?? timerScheduler;
  let profile = options.profile;
  if (profile === undefined) {
    const parsed = profileFromConf(options.conf ?? DEFAULT_COMPUTER_CONF);
    for (const warning of parsed.warnings) logger.warn(warning);
    profile = parsed.profile;
  }
  const model = buildComputer("computer", profile, clock());
  const runner = new SimulationRunner(model, { clock, schedule });
  const functions =
    options.functionsDir === undefined
      ? undefined
      : await FunctionCatalog.load(options.functionsDir, {
          workers: options.functionWorkers ?? 4,
          timeoutMs: options.functionTimeoutMs ?? 60_000,
          clock,
          schedule,
        });
  const clash = functions?.names.find((name) => model.hasLambda(name));
  if (clash !== undefined) {
    functions?.close();
    throw new Error(`Function ${clash} has the name of a simulated lambda`);
  }

  const sources: UtilizationSource[] = [];
  if (model.processors.length > 0) sources.push(() => runner.takeUtilization());
  if (functions !== undefined) sources.push(() => functions.takeUtilization());
  const monitor = new UtilizationMonitor(sources);
  const closing = new AbortController();

  const metrics = new MetricsRegistry();
  registerProcessMetrics(metrics);
  const common = {
    name: "edgecomputer",
    logger,
    metrics,
    ...(options.tls ? { tls: options.tls } : {}),
  };
  const lambdaImpl = lambdaService({
    runner,
    monitor,
    logger,
    computerName: () => model.name,
    ...(functions === undefined ? {} : { functions }),
  });
  const utilImpl = utilizationService(monitor, closing.signal);
  const servers: RunningServer[] = [];
  const controlTransports = new TransportPool({
    defaultTimeoutMs: 2_000,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.clientTls === undefined ? {} : { tls: options.clientTls }),
  });
  const stopAll = async () => {
    closing.abort();
    await Promise.all(servers.map((s) => s.close()));
    runner.close();
    functions?.close();
    controlTransports.close();
  };

  try {
    const lambdaServer = await serve({
      ...common,
      endpoint: options.serverEndpoint,
      routes: (router) => {
        router.service(EdgeServer, lambdaImpl);
        router.service(EdgeComputer, utilImpl);
      },
    });
    servers.push(lambdaServer);
    let utilizationEndpoint = lambdaServer.endpoint;
    if (options.utilizationEndpoint && options.utilizationEndpoint !== options.serverEndpoint) {
      const utilServer = await serve({
        ...common,
        endpoint: options.utilizationEndpoint,
        routes: (router) => router.service(EdgeComputer, utilImpl),
      });
      servers.push(utilServer);
      utilizationEndpoint = utilServer.endpoint;
    }

    // Reference §5.4: a sample every ~1 s; here from start-up (a §12.2 fix).
    const samplePeriodMs = options.utilizationPeriodMs ?? 1_000;
    let cancelSample = (): void => {};
    const sampleLater = (): void => {
      cancelSample = schedule(samplePeriodMs, () => {
        monitor.sample();
        sampleLater();
      });
    };
    sampleLater();
    closing.signal.addEventListener("abort", () => cancelSample());

    const announcedEndpoint = advertisedEndpoint(options.advertise, lambdaServer.endpoint);
    model.name = `computer@${announcedEndpoint}`;
    const containers = [
      ...model.containers.map((c) => ({
        name: c.name,
        processor: c.processor.name,
        lambda: c.lambda.name,
        // The reference announces 0 (§12.2); the worker count is what a controller can use.
        numWorkers: c.workers,
      })),
      ...(functions?.names ?? []).map((name) => ({
        name: `js-${name}`,
        processor: JS_PROCESSOR,
        lambda: name,
        numWorkers: functions?.workers ?? 0,
      })),
    ];
    let announcer: Announcer | undefined;
    if (options.controllerEndpoint) {
      if (parseEndpoint(announcedEndpoint).host === "0.0.0.0") {
        logger.warn(
          { endpoint: announcedEndpoint },
          "announcing a wildcard address; set --advertise",
        );
      }
      // --controller-endpoint a,b,c (issue 13): the first controller that answers.
      const controllerTransport = new FailoverTransport({
        endpoints: parseControllerEndpoints(options.controllerEndpoint),
        transportOf: (endpoint) => controlTransports.get(endpoint),
        logger,
      });
      const controller = createClient(EdgeController, controllerTransport);
      // Reference §5.5, with DESIGN §4's lease: announced once it listens (the reference
      // announced before, §12.2), then every period.
      announcer = new Announcer({
        controllerEndpoint: controllerTransport,
        announce: async () => {
          await controller.announceComputer({ edgeServerEndpoint: announcedEndpoint, containers });
          return { endpoint: announcedEndpoint };
        },
        remove: async () => {
          await controller.removeComputer({ edgeServerEndpoint: announcedEndpoint });
        },
        periodMs: options.announcePeriodMs ?? 5_000,
        ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
        logger,
      });
      announcer.start();
    }
    logger.info(
      { endpoint: lambdaServer.endpoint, utilization: utilizationEndpoint, containers },
      "edge computer started",
    );
    logger.debug(model.toString());

    let closed: Promise<void> | undefined;
    return {
      serverEndpoint: lambdaServer.endpoint,
      utilizationEndpoint,
      announcedEndpoint,
      name: model.name,
      model,
      monitor,
      close() {
        closed ??= (async () => {
          // Leave the domain first, so routers stop sending while calls in flight drain.
          await announcer?.close();
          await stopAll();
        })();
        return closed;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
