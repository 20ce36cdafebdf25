import { type CallSample, type InFlightView, NO_LOAD } from "../destination-load.js";
import type { Rng } from "@soe/reference";
import type { Destination, SelectionPolicy, WeightSource } from "../selection-policy.js";
import { LoadCorrection } from "./load-correction.js";

/**
 * `random` (reference §3.4): picks d with probability (1/w_d) / Σ(1/w). Draws r = U[0,1)·Σ(1/w)
 * and walks the destinations in insertion order, accumulating 1/w, up to the first whose running
 * sum reaches r (the last one if rounding leaves r above the sum). A lone destination is returned
 * without drawing, so the rng sequence matches the reference's call for call.
 *
 * Our fix (README "Under load"): a measured weight is carried to the present load
 * (`LoadCorrection`), so the split follows the calls in flight instead of a period-old latency.
 * Installed weights are used as they are: a static split stays static.
 */
export class WeightedRandomPolicy implements SelectionPolicy {
  readonly #correction: LoadCorrection;
  /** 1/weight per destination, reused between picks (no allocation per pick). */
  #inverse = new Float64Array(8);

  constructor(
    private readonly rng: Rng,
    load: InFlightView = NO_LOAD,
  ) {
    this.#correction = new LoadCorrection(load, false);
  }

  added(destination: string): void {
    this.#correction.added(destination);
  }

  removed(destination: string): void {
    this.#correction.removed(destination);
  }

  weightChanged(destination: string, source: WeightSource): void {
    this.#correction.weightChanged(destination, source);
  }

  observed(destination: string, sample: CallSample): void {
    this.#correction.observed(destination, sample);
  }

  select(destinations: readonly Destination[]): string {
    const n = destinations.length;
    const last = destinations[n - 1];
    if (last === undefined) throw new Error("select() on an empty entry");
    if (n === 1) return last.destination;
    if (this.#inverse.length < n) this.#inverse = new Float64Array(2 * n);
    const inverse = this.#inverse;
    const correct = this.#correction.active;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = destinations[i] as Destination;
      const w = correct ? this.#correction.weight(i, d) : d.weight;
      inverse[i] = 1 / w;
      total += inverse[i] as number;
    }
    const threshold = this.rng() * total;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += inverse[i] as number;
      if (sum >= threshold) return (destinations[i] as Destination).destination;
    }
    return last.destination;
  }
}
