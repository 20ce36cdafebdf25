import { ConnectError, createClient } from "@connectrpc/connect";
import { LatencySamples, mean, percentile } from "@soe/bench";
import { EdgeServer } from "@soe/proto";
import { mulberry32 } from "@soe/router";
import { createTransport } from "@soe/runtime";

export interface PoissonLoadOptions {
  /** The router's lambda end-point. */
  readonly endpoint: string;
  readonly lambda: string;
  /** Mean arrivals per second. */
  readonly rate: number;
  /** Seeds the inter-arrival times: every policy gets the same arrival sequence. */
  readonly seed: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** How long to wait, after the window, for the calls that arrived in it. */
  readonly drainMs: number;
  /** Deadline of each call. */
  readonly callTimeoutMs: number;
}

export interface PoissonLoadResult {
  /** Calls that arrived in the window (answered, failed or still unanswered). */
  readonly arrivals: number;
  /** Arrivals per second over the window, as drawn. */
  readonly offeredRate: number;
  /** Window arrivals answered OK. */
  readonly answered: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Window arrivals answered OK, by responder (the destination the router chose). */
  readonly byResponder: Readonly<Record<string, number>>;
  /** Failed calls over warm-up and window, unanswered window calls included. */
  readonly errors: number;
  readonly firstError: string | undefined;
}

/**
 * An open-loop client: calls arrive as a Poisson process (exponential inter-arrival times from
 * a seeded generator) whatever the answers do, as independent users would. Latency counts from
 * each call's scheduled arrival, so a late timer or a busy client adds to it instead of hiding
 * it (no coordinated omission). Calls arriving in the window are measured to their end.
 */
export async function runPoissonLoad(options: PoissonLoadOptions): Promise<PoissonLoadResult> {
  const transport = createTransport(options.endpoint);
  const client = createClient(EdgeServer, transport);
  const rng = mulberry32(options.seed);
  const latencies = new LatencySamples();
  const byResponder: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  let arrivals = 0;
  let pending = 0;
  let allArrived = false;
  let settle: () => void = () => {};
  const drained = new Promise<void>((resolve) => {
    settle = resolve;
  });

  let closed = false;
  const fail = (why: string) => {
    if (closed) return;
    errors++;
    firstError ??= why;
  };
  const call = (arrivedAt: number, measured: boolean) => {
    if (measured) {
      arrivals++;
      pending++;
    }
    client
      .runLambda({ name: options.lambda, input: "x" }, { timeoutMs: options.callTimeoutMs })
      .then(
        (response) => {
          if (response.retcode !== "OK") {
            fail(`retcode: ${response.retcode}`);
          } else if (measured && !closed) {
            latencies.add(performance.now() - arrivedAt);
            byResponder[response.responder] = (byResponder[response.responder] ?? 0) + 1;
          }
        },
        (error: unknown) => fail(ConnectError.from(error).message),
      )
      .finally(() => {
        if (!measured) return;
        pending--;
        if (allArrived && pending === 0) settle();
      });
  };

  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.measureMs;
  let next = start;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Every arrival that is due fires now: a timer late by 2 ms still sends the burst.
      while (next <= now && next < windowEnd) {
        call(next, next >= windowStart);
        next += (-Math.log(1 - rng()) / options.rate) * 1000;
      }
      if (next >= windowEnd) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  });
  allArrived = true;
  if (pending === 0) settle();
  const timer = setTimeout(settle, options.drainMs);
  await drained;
  clearTimeout(timer);
  const unanswered = pending;
  if (unanswered > 0) {
    errors += unanswered;
    firstError ??= `${unanswered} calls unanswered ${options.drainMs} ms after the window`;
  }
  // Whatever still ends now (closing the transport cancels it) is not counted twice.
  closed = true;
  transport.close();

  const sorted = latencies.sorted();
  return {
    arrivals,
    offeredRate: arrivals / (options.measureMs / 1000),
    answered: latencies.count,
    meanMs: mean(sorted),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
    byResponder,
    errors,
    firstError,
  };
}
