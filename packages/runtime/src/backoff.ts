export interface BackoffOptions {
  /** First delay, ms. */
  readonly initialMs: number;
  /** Largest delay, ms. */
  readonly maxMs: number;
  /** Growth per failure (default 2). */
  readonly factor?: number;
  /** Fraction of each delay drawn at random, so peers that failed together retry apart (default 0.2). */
  readonly jitter?: number;
  /** Randomness in [0, 1), injectable for tests. */
  readonly rng?: () => number;
}

/** Exponential back-off with jitter: `next()` after each failure, `reset()` after a success. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Failures since the last reset. */
  get failures(): number {
    return this.attempt;
  }

  next(): number {
    const { initialMs, maxMs, factor = 2, jitter = 0.2, rng = Math.random } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.attempt);
    this.attempt++;
    return Math.round(base * (1 - jitter + jitter * rng()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
