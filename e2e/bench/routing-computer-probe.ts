import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import type { ComputerProbe } from "./routing-ps-check.js";

export interface ProbeOptions {
  readonly lambda: string;
  /** Untimed calls first: a process just started runs its first calls cold (JIT, connections). */
  readonly warmupCalls: number;
  /** Sequential calls timed for the service time alone (after one untimed call). */
  readonly aloneCalls: number;
  /** Batches of `batchSize` calls sent together. */
  readonly batches: number;
  readonly batchSize: number;
  /** Calls kept in flight to saturate the computer, and for how long (after a first round). */
  readonly saturationConcurrency: number;
  readonly saturationMs: number;
}

export const DEFAULT_PROBE: Omit<ProbeOptions, "lambda"> = {
  warmupCalls: 5,
  aloneCalls: 8,
  batches: 4,
  batchSize: 4,
  saturationConcurrency: 8,
  saturationMs: 2_500,
};

/**
 * Measures one computer directly (no router), once warm: a call's time alone, the time of calls sent
 * together, and its capacity. Capacity is by Little's law over a closed loop with zero think
 * time, calls/s = calls in flight / mean latency: a count of completions in a window would be
 * lumpy here, since equal calls that start together under processor sharing also end together.
 */
export async function probeComputer(
  endpoint: string,
  options: ProbeOptions,
): Promise<ComputerProbe> {
  const transport = createTransport(endpoint);
  const client = createClient(EdgeServer, transport);
  const call = async (): Promise<number> => {
    const started = performance.now();
    const response = await client.runLambda(
      { name: options.lambda, input: "x" },
      { timeoutMs: 60_000 },
    );
    if (response.retcode !== "OK") throw new Error(`${endpoint}: retcode ${response.retcode}`);
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < options.warmupCalls; i++) await call();
    const alone: number[] = [];
    for (let i = 0; i < options.aloneCalls; i++) alone.push(await call());

    const batchAll: number[] = [];
    const batchFirst: number[] = [];
    for (let b = 0; b < options.batches; b++) {
      const latencies = await Promise.all(Array.from({ length: options.batchSize }, call));
      batchAll.push(...latencies);
      batchFirst.push(Math.min(...latencies));
    }

    const saturated: number[] = [];
    let measuring = false;
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const latency = await call();
        if (measuring && !stop) saturated.push(latency);
      }
    };
    const loops = Array.from({ length: options.saturationConcurrency }, loop);
    // One round of the loop before measuring: every call then starts with others under way.
    await sleep(mean(batchAll) * (options.saturationConcurrency / options.batchSize));
    measuring = true;
    await sleep(options.saturationMs);
    stop = true;
    await Promise.all(loops);

    return {
      aloneMs: mean(alone),
      batchSize: options.batchSize,
      batchMeanMs: mean(batchAll),
      batchFirstMs: mean(batchFirst),
      capacity: (options.saturationConcurrency / mean(saturated)) * 1000,
    };
  } finally {
    transport.close();
  }
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
