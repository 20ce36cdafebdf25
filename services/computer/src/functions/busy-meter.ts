/**
 * Utilization of a set of slots over time (reference §5.4's formula, for real work): the time
 * integral of the number of busy slots, divided by `capacity·Δt` at each sample, capped at 1.
 */
export class BusyMeter {
  readonly #clock: () => number;
  readonly #capacity: number;
  #busy = 0;
  #integral = 0;
  #since: number;
  #sampledAt: number;

  constructor(clock: () => number, capacity: number) {
    this.#clock = clock;
    this.#capacity = Math.max(1, capacity);
    this.#since = clock();
    this.#sampledAt = this.#since;
  }

  start(): void {
    this.#accumulate();
    this.#busy++;
  }

  finish(): void {
    this.#accumulate();
    this.#busy = Math.max(0, this.#busy - 1);
  }

  /** Utilization since the previous sample, in [0, 1]; starts a new interval. */
  take(): number {
    this.#accumulate();
    const elapsed = this.#since - this.#sampledAt;
    const utilization = elapsed > 0 ? Math.min(this.#integral / (this.#capacity * elapsed), 1) : 0;
    this.#integral = 0;
    this.#sampledAt = this.#since;
    return utilization;
  }

  #accumulate(): void {
    const now = Math.max(this.#clock(), this.#since);
    this.#integral += this.#busy * (now - this.#since);
    this.#since = now;
  }
}
