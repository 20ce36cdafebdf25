import {
  applyWeight,
  EMPTY_REPORT,
  type LocalOptimizer,
  type PollReport,
  type WeightedTable,
} from "./local-optimizer.js";

/** A previous estimate older than this (seconds) is forgotten, not averaged (reference §3.5). */
const STALE_SECONDS = 5;

export interface AsyncOptimizerOptions {
  readonly table: WeightedTable;
  /** ms, monotonic. */
  readonly clock: () => number;
  /** Weight of the history in [0, 1]. */
  readonly alpha: number;
}

/**
 * `async` (reference §3.5): an exponentially weighted moving average per (lambda, destination),
 * written to the table on every success: w := (1 − α)·t + α·w_prev when the previous estimate is
 * younger than 5 s, else w := t. As in the reference's code (its header comment says the
 * opposite), α weighs the history.
 */
export class AsyncOptimizer implements LocalOptimizer {
  readonly type = "async";
  readonly #table: WeightedTable;
  readonly #clock: () => number;
  readonly #alpha: number;
  /** lambda → destination → last estimate and when (ms) it was made. */
  readonly #estimates = new Map<string, Map<string, { weight: number; at: number }>>();

  constructor(options: AsyncOptimizerOptions) {
    if (!(options.alpha >= 0 && options.alpha <= 1)) {
      throw new Error(`Invalid async optimizer alpha: ${options.alpha}, must be in [0, 1]`);
    }
    this.#table = options.table;
    this.#clock = options.clock;
    this.#alpha = options.alpha;
  }

  observe(lambda: string, destination: string, seconds: number): boolean {
    const now = this.#clock();
    let byDestination = this.#estimates.get(lambda);
    if (byDestination === undefined) {
      byDestination = new Map();
      this.#estimates.set(lambda, byDestination);
    }
    const previous = byDestination.get(destination);
    const fresh = previous !== undefined && now - previous.at < STALE_SECONDS * 1000;
    const weight = fresh ? (1 - this.#alpha) * seconds + this.#alpha * previous.weight : seconds;
    byDestination.set(destination, { weight, at: now });
    return applyWeight(this.#table, lambda, destination, weight);
  }

  poll(): PollReport {
    return EMPTY_REPORT;
  }

  nextDueAt(): undefined {
    return undefined;
  }
}
