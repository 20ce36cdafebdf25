/**
 * A clock the caller moves by hand, for deterministic tests of time-driven logic (policies,
 * optimizers). `now` is in milliseconds, like the `clock` every pure module takes.
 */
export class FakeClock {
  constructor(public now = 0) {}

  /** The `() => number` to inject. */
  readonly clock = (): number => this.now;

  advance(ms: number): void {
    this.now += ms;
  }
}
