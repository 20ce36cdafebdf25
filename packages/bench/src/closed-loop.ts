import { LatencySamples, percentile } from "./latency-stats.js";

export interface ClosedLoopOptions {
  /** Calls kept in flight: each completion issues the next call. */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Runs at the instants the measured window opens and closes (to read CPU times then). */
  readonly onWindow?: (edge: "open" | "close") => void;
}

export interface LoadResult {
  /** Calls that completed OK inside the measured window. */
  readonly calls: number;
  /** Failed calls over warm-up and window: whatever the call reported, or no answer at all. */
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly windowSeconds: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Ends one call: `undefined` when it succeeded, else what went wrong. Called once per call. */
export type CallDone = (error: string | undefined) => void;

/**
 * The call a closed loop repeats. Callback-style, not a Promise: the load client shares its core
 * with what it measures, so a call costs one closure and nothing more.
 */
export interface ClosedLoopCall {
  /** Issues one call; may report its failure synchronously (e.g. a closed session). */
  readonly issue: (done: CallDone) => void;
  /**
   * How long to wait before the next call after a failure, in ms; absent: the next turn of the
   * event loop (setImmediate). Retrying on the same tick would spin on a synchronous failure.
   */
  readonly errorBackoffMs?: number;
}

// Stop waiting for calls still in flight at the end of a run after this long.
const drainTimeoutMs = 5_000;

/**
 * `concurrency` loops each issuing one call at a time, the next as soon as the last completes:
 * a warm-up, then a measured window in which successful calls and their latencies are counted,
 * then a drain of the calls still in flight (given up on after 5 s, counted as errors). Rejects
 * with what `onWindow` threw, if it did: the run is void then (e.g. a measured process died).
 */
export function runClosedLoop(
  call: ClosedLoopCall,
  options: ClosedLoopOptions,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const { issue: issueCall, errorBackoffMs } = call;
    let phase: "warmup" | "measure" | "stopping" = "warmup";
    const latenciesNs = new LatencySamples(1 << 16);
    let errors = 0;
    let firstError: string | undefined;
    let inFlight = 0;
    let windowStart = 0n;
    let windowEnd = 0n;
    let finished = false;
    let drainTimer: NodeJS.Timeout | undefined;
    let windowFailure: unknown;

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      if (windowFailure !== undefined) {
        reject(windowFailure);
        return;
      }
      const calls = latenciesNs.count;
      const sorted = latenciesNs.sorted();
      const windowSeconds = Number(windowEnd - windowStart) / 1e9;
      resolve({
        calls,
        errors,
        firstError,
        windowSeconds,
        callsPerSecond: calls / windowSeconds,
        p50Ms: percentile(sorted, 0.5) / 1e6,
        p99Ms: percentile(sorted, 0.99) / 1e6,
      });
    };

    const retry =
      errorBackoffMs === undefined
        ? () => setImmediate(issue)
        : () => setTimeout(issue, errorBackoffMs);

    const issue = () => {
      if (phase === "stopping") {
        if (inFlight === 0) finish();
        return;
      }
      inFlight++;
      const started = process.hrtime.bigint();
      issueCall((error) => {
        inFlight--;
        if (error === undefined) {
          if (phase === "measure") latenciesNs.add(Number(process.hrtime.bigint() - started));
          issue();
        } else {
          errors++;
          firstError ??= error;
          retry();
        }
      });
    };

    const windowEdge = (edge: "open" | "close") => {
      try {
        options.onWindow?.(edge);
      } catch (error) {
        windowFailure ??= error;
      }
    };

    const stop = () => {
      windowEnd = process.hrtime.bigint();
      phase = "stopping";
      if (inFlight === 0) finish();
      drainTimer = setTimeout(() => {
        errors += inFlight;
        firstError ??= `${inFlight} calls still unanswered ${drainTimeoutMs} ms after the run`;
        finish();
      }, drainTimeoutMs);
    };

    setTimeout(() => {
      windowEdge("open");
      windowStart = process.hrtime.bigint();
      if (windowFailure !== undefined) {
        stop();
        return;
      }
      phase = "measure";
      setTimeout(() => {
        windowEdge("close");
        stop();
      }, options.measureMs);
    }, options.warmupMs);

    for (let i = 0; i < options.concurrency; i++) issue();
  });
}
