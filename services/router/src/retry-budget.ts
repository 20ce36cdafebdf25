export interface RetryBudgetOptions {
  /** Retries allowed per request, on average (0.2 = retries add at most 20 % to the traffic). */
  readonly ratio: number;
  /** Retries always allowed per second, so a quiet router can still retry (default 10). */
  readonly minPerSecond?: number;
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
}

/**
 * Bounds retries to a share of the traffic, so that when many destinations fail at once retries
 * cannot multiply the load on the ones left. Each request deposits `ratio` of a token; a retry
 * spends one. A small reserve that refills with time lets a lightly loaded router retry too.
 */
export class RetryBudget {
  #tokens = 0;
  #reserve: number;
  #reserveAt: number;
  readonly #cap: number;
  readonly #minPerSecond: number;

  constructor(private readonly options: RetryBudgetOptions) {
    this.#minPerSecond = options.minPerSecond ?? 10;
    this.#reserve = this.#minPerSecond;
    this.#reserveAt = options.clock();
    // At most ten seconds' worth of deposits at the minimum rate can be saved up.
    this.#cap = Math.max(1, this.#minPerSecond * 10 * options.ratio);
  }

  /** Called once per request. */
  deposit(): void {
    this.#tokens = Math.min(this.#cap, this.#tokens + this.options.ratio);
  }

  /** Spends a token for one retry, if the budget allows it. */
  tryRetry(): boolean {
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    const now = this.options.clock();
    this.#reserve = Math.min(
      this.#minPerSecond,
      this.#reserve + ((now - this.#reserveAt) / 1000) * this.#minPerSecond,
    );
    this.#reserveAt = now;
    if (this.#reserve >= 1) {
      this.#reserve -= 1;
      return true;
    }
    return false;
  }
}
