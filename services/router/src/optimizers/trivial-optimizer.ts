import {
  applyWeight,
  EMPTY_REPORT,
  type LocalOptimizer,
  type PollReport,
  type VanishedPair,
  type WeightedTable,
} from "./local-optimizer.js";

export const TRIVIAL_STATS = ["mean", "min", "max"] as const;
export type TrivialStat = (typeof TRIVIAL_STATS)[number];

export interface TrivialOptimizerOptions {
  readonly table: WeightedTable;
  /** ms, monotonic. */
  readonly clock: () => number;
  /** Seconds between updates (reference default 10). */
  readonly periodSeconds: number;
  readonly stat: TrivialStat;
}

/**
 * `trivial` (reference §3.5, the default `type=trivial,period=10,stat=mean`): collects the
 * latencies of each (lambda, destination) and, once per period (the first one period after
 * creation), sets each sampled pair's weight to the mean, min or max of that period's samples.
 * Pairs without samples keep their weight.
 *
 * Fix: the reference skips the rest of a lambda's batch when one pair vanished meanwhile; here
 * only the vanished pair is skipped (and reported).
 */
export class TrivialOptimizer implements LocalOptimizer {
  readonly type = "trivial";
  readonly #table: WeightedTable;
  readonly #clock: () => number;
  readonly #periodMs: number;
  readonly #stat: TrivialStat;
  /**
   * lambda → destination → running summary (seconds) of the current period: constant memory per
   * pair however busy the router is (keeping every sample grew without bound, and spreading
   * 100k+ samples into Math.min overflows the stack).
   */
  #samples = new Map<string, Map<string, SampleSummary>>();
  #dueAt: number;

  constructor(options: TrivialOptimizerOptions) {
    if (!(options.periodSeconds > 0)) {
      throw new Error(`Invalid trivial optimizer period: ${options.periodSeconds}, must be > 0`);
    }
    this.#table = options.table;
    this.#clock = options.clock;
    this.#periodMs = options.periodSeconds * 1000;
    this.#stat = options.stat;
    this.#dueAt = this.#clock() + this.#periodMs;
  }

  observe(lambda: string, destination: string, seconds: number): boolean {
    let byDestination = this.#samples.get(lambda);
    if (byDestination === undefined) {
      byDestination = new Map();
      this.#samples.set(lambda, byDestination);
    }
    const summary = byDestination.get(destination);
    if (summary === undefined) {
      byDestination.set(destination, { count: 1, sum: seconds, min: seconds, max: seconds });
    } else {
      summary.count += 1;
      summary.sum += seconds;
      if (seconds < summary.min) summary.min = seconds;
      if (seconds > summary.max) summary.max = seconds;
    }
    return true;
  }

  poll(): PollReport {
    const now = this.#clock();
    if (now < this.#dueAt) return EMPTY_REPORT;
    // A late poll runs once; missed periods are not replayed.
    this.#dueAt += Math.floor((now - this.#dueAt) / this.#periodMs + 1) * this.#periodMs;

    const batch = this.#samples;
    this.#samples = new Map();
    let updated = 0;
    const vanished: VanishedPair[] = [];
    for (const [lambda, byDestination] of batch) {
      for (const [destination, samples] of byDestination) {
        if (applyWeight(this.#table, lambda, destination, summarise(samples, this.#stat))) {
          updated += 1;
        } else {
          vanished.push({ lambda, destination });
        }
      }
    }
    return { updated, vanished };
  }

  nextDueAt(): number {
    return this.#dueAt;
  }
}

interface SampleSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

function summarise(samples: SampleSummary, stat: TrivialStat): number {
  switch (stat) {
    case "min":
      return samples.min;
    case "max":
      return samples.max;
    case "mean":
      return samples.sum / samples.count;
  }
}
