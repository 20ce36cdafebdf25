import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { type ClientOptions, createTransport, type Logger, type RemoteParent } from "@soe/runtime";
import { sleep } from "./abortable-sleep.js";
import type { CliIO } from "./cli-io.js";
import { LambdaRequestFactory } from "./lambda-request-factory.js";
import { type LoopContext, runClosedLoop, runOpenLoop } from "./load-loops.js";
import { LoadReport } from "./load-report.js";
import { type LambdaCaller, MultiDestinationCaller } from "./multi-destination-caller.js";
import { ArrivalSchedule, ClosedLoopPacer, gapSampler, type InterRequestType } from "./pacing.js";
import { RandomStream, randomStream } from "./random-streams.js";
import { tracedCaller } from "./traced-caller.js";

export interface EdgeClientSettings {
  /** Distinct end-points; more than one → the multi-destination client (reference §7.3). */
  readonly serverEndpoints: readonly string[];
  /** Probability of also calling each non-primary destination (multi-destination only). */
  readonly persistence: number;
  readonly lambda: string;
  readonly sizes: readonly number[];
  readonly content: string;
  readonly dry: boolean;
  /** Seconds; 0 = until max-requests (or Ctrl-C). */
  readonly durationSeconds: number;
  /** Per client in the closed loop; in all with `rate`. */
  readonly maxRequests: number;
  readonly numThreads: number;
  readonly initialDelaySeconds: number;
  readonly interRequestSeconds: number;
  readonly interRequestType: InterRequestType;
  readonly seed: number;
  /** Requests per second of the open loop; undefined = closed loops. */
  readonly rate?: number | undefined;
  readonly maxInFlight: number;
  readonly transport: ClientOptions;
  /** W3C trace context every call continues (`--traceparent`, or TRACEPARENT); none by default. */
  readonly traceParent?: RemoteParent | undefined;
}

export interface EdgeClientIO extends CliIO {
  readonly logger?: Logger;
  /** Ctrl-C: stop, abandon the calls in flight, print the summary so far. */
  readonly interrupt?: AbortSignal;
}

/**
 * `edgeclient` (reference §7): closed-loop clients (the reference's threads, here concurrent
 * async loops) or one open loop at `--rate`, result lines on `out`, the summary on `err` (the
 * reference logged it to stderr too). Returns the exit code: 1 if any RPC failed.
 */
export async function runEdgeClient(
  settings: EdgeClientSettings,
  io: EdgeClientIO,
): Promise<number> {
  const { logger } = io;
  const interrupt = io.interrupt ?? new AbortController().signal;
  const destinations = connect(settings);
  const stopper = new AbortController();
  const stop = AbortSignal.any([interrupt, stopper.signal]);
  const clients = settings.rate === undefined ? settings.numThreads : 1;
  const report = new LoadReport({
    out: io.out,
    clients,
    lambda: settings.lambda,
    dry: settings.dry,
  });
  // Once per run, not per client, as the reference's LOG_FIRST_N(WARNING, 1).
  let shortSizeWarned = false;
  const onShortSize = (size: number) => {
    if (shortSizeWarned) return;
    shortSizeWarned = true;
    logger?.warn(
      `requested input size ${size} but cannot be smaller than 12 [will not be repeated]`,
    );
  };
  let timer: NodeJS.Timeout | undefined;
  let start = performance.now();
  try {
    await sleep(settings.initialDelaySeconds * 1000, interrupt);
    start = performance.now();
    if (settings.durationSeconds > 0) {
      timer = setTimeout(() => stopper.abort(), settings.durationSeconds * 1000);
    }
    const context = (client: number): LoopContext => ({
      call: destinations.callerFor(client),
      requests: requestFactory(settings, client, onShortSize),
      report,
      clock: () => performance.now(),
      start,
      sleep,
      stop,
      cancel: interrupt,
      maxRequests: settings.maxRequests,
      onNotOk: (retcode) => logger?.debug(`invalid response to ${settings.lambda}: ${retcode}`),
    });
    const gaps = (client: number, meanMs: number) =>
      gapSampler(
        settings.interRequestType,
        meanMs,
        randomStream(settings.seed, client, RandomStream.pacing),
      );

    if (settings.rate !== undefined) {
      const schedule = new ArrivalSchedule(gaps(0, 1000 / settings.rate), performance.now());
      await runOpenLoop(context(0), schedule, settings.maxInFlight);
    } else {
      let lagWarnings = 0;
      const onLag = (ms: number) => {
        if (lagWarnings++ < 10)
          logger?.warn(
            `lagging behind by ${Math.round(ms)} ms [${lagWarnings}/10 instances shown]`,
          );
      };
      await Promise.all(
        Array.from({ length: clients }, (_, client) =>
          runClosedLoop(
            context(client),
            client,
            new ClosedLoopPacer(gaps(client, settings.interRequestSeconds * 1000)),
            onLag,
          ),
        ),
      );
    }
  } finally {
    clearTimeout(timer);
    destinations.close();
  }
  io.err.write(report.summary((performance.now() - start) / 1000));
  return report.failed > 0 ? 1 : 0;
}

/** One transport per end-point, shared by every client (one HTTP/2 session per destination). */
function connect(settings: EdgeClientSettings) {
  const transports = settings.serverEndpoints.map((endpoint) =>
    createTransport(endpoint, settings.transport),
  );
  const destinations = transports.map((transport) => {
    const server = createClient(EdgeServer, transport);
    const call: LambdaCaller = tracedCaller(
      (request, signal, headers) => server.runLambda(request, { signal, headers }),
      transport.endpoint,
      settings.traceParent,
    );
    return { endpoint: transport.endpoint, call };
  });
  return {
    /** Each closed-loop client has its own multi-destination state (primary, stragglers). */
    callerFor(client: number): LambdaCaller {
      const [only] = destinations;
      if (only !== undefined && destinations.length === 1) return only.call;
      const rng = randomStream(settings.seed, client, RandomStream.destinations);
      return new MultiDestinationCaller(destinations, settings.persistence, rng).call;
    },
    close(): void {
      for (const transport of transports) transport.close();
    },
  };
}

function requestFactory(
  settings: EdgeClientSettings,
  client: number,
  onShortSize: (size: number) => void,
): LambdaRequestFactory {
  return new LambdaRequestFactory({
    lambda: settings.lambda,
    sizes: settings.sizes,
    content: settings.content,
    dry: settings.dry,
    rng: randomStream(settings.seed, client, RandomStream.sizes),
    onShortSize,
  });
}
