import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import { EdgeComputer } from "@soe/proto";
import { formatCppFloat } from "@soe/reference";
import { Backoff, type ClientOptions, createTransport, type Logger } from "@soe/runtime";
import { type CliIO, errorText } from "./cli-io.js";

export interface UtilizationClientOptions {
  readonly serverEndpoint: string;
  /** Stop after this many samples (messages); undefined: until the stream ends or a signal. */
  readonly maxSamples?: number | undefined;
  /** Re-subscribe, with back-off, when the stream ends or fails (a computer restarting). */
  readonly reconnect: boolean;
  readonly transport: ClientOptions;
}

export interface UtilizationClientIO extends CliIO {
  readonly logger?: Logger;
  /** Ends the run cleanly (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Milliseconds, for the first column. Default `performance.now`. */
  readonly clock?: () => number;
  /** First and largest wait between reconnections, ms. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/**
 * One line per processor of a sample, as the reference's edgecomputerclient prints them
 * (reference §5.4): seconds since start (C++ stream format), the processor, the utilization
 * with 6 decimals (`std::to_string`). Processors in name order: the reference followed its
 * map's unspecified order.
 */
export function formatUtilizationSample(
  seconds: number,
  values: Readonly<Record<string, number>>,
): string {
  const time = formatCppFloat(seconds);
  return Object.keys(values)
    .sort()
    .map((processor) => `${time} ${processor} ${(values[processor] ?? 0).toFixed(6)}\n`)
    .join("");
}

/**
 * `edgecomputerclient`: subscribes to a computer's `StreamUtil` and prints every sample.
 * Returns the exit code: 0 when the stream ends (without --reconnect), max-samples is reached or
 * the signal fires; 1 when the stream fails and reconnection is off.
 */
export async function runUtilizationClient(
  options: UtilizationClientOptions,
  io: UtilizationClientIO,
): Promise<number> {
  const clock = io.clock ?? (() => performance.now());
  const start = clock();
  const signal = io.signal ?? new AbortController().signal;
  const backoff = new Backoff(io.backoff ?? { initialMs: 500, maxMs: 10_000 });
  const transport = createTransport(options.serverEndpoint, options.transport);
  const computer = createClient(EdgeComputer, transport);
  // Ends our own subscription once max-samples is reached, without touching the caller's signal.
  const done = new AbortController();
  const stop = AbortSignal.any([signal, done.signal]);
  let samples = 0;
  try {
    while (!stop.aborted) {
      let failure: string | undefined;
      try {
        // A subscription has no deadline: it lasts as long as the computer runs.
        for await (const sample of computer.streamUtil({}, { signal: stop, timeoutMs: 0 })) {
          backoff.reset();
          io.out.write(formatUtilizationSample((clock() - start) / 1000, sample.values));
          samples++;
          if (options.maxSamples !== undefined && samples >= options.maxSamples) done.abort();
        }
      } catch (error) {
        if (stop.aborted) break;
        failure = errorText(error);
      }
      if (stop.aborted) break;
      if (!options.reconnect) {
        if (failure === undefined) return 0;
        io.err.write(
          `edgecomputerclient: StreamUtil on ${options.serverEndpoint} failed: ${failure}\n`,
        );
        return 1;
      }
      const delayMs = backoff.next();
      io.logger?.warn(
        { endpoint: options.serverEndpoint, error: failure ?? "stream ended", delayMs },
        "utilization stream interrupted, reconnecting",
      );
      await sleep(delayMs, undefined, { signal: stop }).catch(() => undefined);
    }
    return 0;
  } finally {
    transport.close();
  }
}
