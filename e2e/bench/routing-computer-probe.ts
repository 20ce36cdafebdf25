import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import type { ComputerProbe } from "./routing-ps-check.js";

export interface ProbeOptions {
  readonly lambda: string;
  /** Untimed calls first: a process just started runs its first calls cold (JIT, connections). */
  readonly warmupCalls: number;
  /** Sequential calls timed for the service time alone. */
  readonly aloneCalls: number;
  /** Batches of `batchSize` calls sent together. */
  readonly batches: number;
  readonly batchSize: number;
  /**
   * Calls kept in flight to saturate the computer: at least enough for `saturationWorkMs` of
   * work, at most 32; and how long to measure (after a first round).
   */
  readonly saturationConcurrency: number;
  readonly saturationWorkMs: number;
  readonly saturationMs: number;
}

export const DEFAULT_PROBE: Omit<ProbeOptions, "lambda"> = {
  warmupCalls: 5,
  aloneCalls: 7,
  batches: 4,
  batchSize: 4,
  saturationConcurrency: 8,
  saturationWorkMs: 250,
  saturationMs: 2_000,
};

type Call = () => Promise<number>;

/**
 * Measures computers directly (no router), once warm: a call's time alone, the time of calls
 * sent together, and the capacity. Every computer goes through each phase at the same time, so
 * that one's saturation (hundreds of calls/s through this process) never overlaps another's
 * timing of calls alone. Alone and batch times are medians: on a shared machine a call now and
 * then waits for a core, and a mean would let that one call decide. Capacity is by Little's law
 * over a closed loop with zero think time, calls/s = calls in flight / mean latency: a count of
 * completions in a window would be lumpy, since equal calls that start together under processor
 * sharing also end together.
 */
export async function probeComputers(
  endpoints: readonly string[],
  options: ProbeOptions,
): Promise<ComputerProbe[]> {
  const transports = endpoints.map((endpoint) => createTransport(endpoint));
  const calls = transports.map((transport, i): Call => {
    const client = createClient(EdgeServer, transport);
    return async () => {
      const started = performance.now();
      const response = await client.runLambda(
        { name: options.lambda, input: "x" },
        { timeoutMs: 60_000 },
      );
      if (response.retcode !== "OK") throw new Error(`${endpoints[i]}: ${response.retcode}`);
      return performance.now() - started;
    };
  });
  const phase = <T>(run: (call: Call) => Promise<T>) => Promise.all(calls.map(run));
  try {
    await phase(async (call) => {
      for (let i = 0; i < options.warmupCalls; i++) await call();
    });
    const alone = await phase(async (call) => {
      const latencies: number[] = [];
      for (let i = 0; i < options.aloneCalls; i++) latencies.push(await call());
      return median(latencies);
    });
    const batches = await phase(async (call) => {
      const means: number[] = [];
      const firsts: number[] = [];
      for (let b = 0; b < options.batches; b++) {
        const latencies = await Promise.all(Array.from({ length: options.batchSize }, call));
        means.push(latencies.reduce((s, l) => s + l, 0) / latencies.length);
        firsts.push(Math.min(...latencies));
      }
      return { mean: median(means), first: median(firsts) };
    });
    const capacities = await Promise.all(
      calls.map((call, i) => saturatedCapacity(call, alone[i] as number, options)),
    );
    return endpoints.map((_, i) => ({
      aloneMs: alone[i] as number,
      batchSize: options.batchSize,
      batchMeanMs: batches[i]?.mean as number,
      batchFirstMs: batches[i]?.first as number,
      capacity: capacities[i] as number,
    }));
  } finally {
    for (const transport of transports) transport.close();
  }
}

/**
 * Calls/s with `saturationConcurrency` calls always in flight (Little's law). The loops start
 * one call-time apart: equal calls started together under processor sharing also end together
 * and come back together, and the core would idle while all of them travel (a 5 ms computer
 * then looks 40 % slower than it is); staggered, some call is always running.
 */
async function saturatedCapacity(
  call: Call,
  aloneMs: number,
  options: ProbeOptions,
): Promise<number> {
  const latencies: number[] = [];
  let measuring = false;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      const latency = await call();
      if (measuring && !stop) latencies.push(latency);
    }
  };
  const stagger = Number.isFinite(aloneMs) ? aloneMs : 10;
  // A computer process that waits for a core (two cores shared with builds) stops answering
  // for tens of ms: with only a few short calls queued its core would idle meanwhile, and the
  // capacity would be the machine's, not the computer's.
  const concurrency = Math.min(
    32,
    Math.max(options.saturationConcurrency, Math.ceil(options.saturationWorkMs / stagger)),
  );
  const loops = Array.from({ length: concurrency }, async (_, i) => {
    await sleep(i * stagger);
    await loop();
  });
  // Every loop under way, then a round unmeasured, so that calls run with others under way.
  await sleep(concurrency * stagger + options.saturationMs / 4);
  measuring = true;
  await sleep(options.saturationMs);
  stop = true;
  await Promise.all(loops);
  const mean = latencies.reduce((s, l) => s + l, 0) / latencies.length;
  return (concurrency / mean) * 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
