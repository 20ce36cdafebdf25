/**
 * A clock and a timer queue moved by hand (milliseconds), so tests of time-driven code are exact:
 * `advanceTo` runs every due timer in time order, setting the clock to each one's instant.
 * `schedule` has the shape of `@soe/runtime`'s `Scheduler`.
 */
export class ManualTime {
  now = 0;
  readonly #timers: { at: number; seq: number; run: () => void }[] = [];
  #seq = 0;

  readonly clock = (): number => this.now;

  readonly schedule = (delayMs: number, run: () => void): (() => void) => {
    const timer = { at: this.now + delayMs, seq: this.#seq++, run };
    this.#timers.push(timer);
    return () => {
      const index = this.#timers.indexOf(timer);
      if (index >= 0) this.#timers.splice(index, 1);
    };
  };

  get pending(): number {
    return this.#timers.length;
  }

  /** When the earliest timer is due, if any. */
  get nextAt(): number | undefined {
    return this.#timers.reduce<number | undefined>(
      (min, timer) => (min === undefined || timer.at < min ? timer.at : min),
      undefined,
    );
  }

  advanceTo(to: number): void {
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers[0];
      if (next === undefined || next.at > to) break;
      this.#timers.shift();
      this.now = Math.max(this.now, next.at);
      next.run();
    }
    this.now = to;
  }
}
