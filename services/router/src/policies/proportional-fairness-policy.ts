import { type CallSample, type InFlightView, NO_LOAD } from "../destination-load.js";
import type { Destination, SelectionPolicy, WeightSource } from "../selection-policy.js";
import { LoadCorrection } from "./load-correction.js";

interface Stats {
  /** Weight changes seen (each success reported by the asyncPF optimizer is one), from 1. */
  count: number;
  /** Seconds: when the destination was added or its weight last changed. */
  since: number;
}

/**
 * `proportional-fairness` (reference §3.4): picks the destination maximising
 * PC = (1/w)^α / (count / (now − since))^β — fast destinations (α) that have been served little
 * lately (β). α=0, β=1 behaves like round robin; α=1, β=0 always picks the fastest. Ties go to the
 * earliest inserted. Meant to be fed by the asyncPF optimizer, which reports every success.
 *
 * Time is in seconds (weights are latencies in seconds). A destination changed at this very
 * instant has an infinite rate, hence PC = 0 when β > 0: it is not picked again straight away.
 *
 * Our fix (README "Under load"): the (1/w)^α term uses the weight carried to the present load
 * (`LoadCorrection`). In the reference nothing in PC changes between two completions — a pick is
 * not a service until it ends — so every arrival in between goes to the same destination; here
 * each pick adds a call in flight and lowers its destination's PC at once.
 */
export class ProportionalFairnessPolicy implements SelectionPolicy {
  readonly #stats = new Map<string, Stats>();
  readonly #correction: LoadCorrection;

  constructor(
    private readonly alpha: number,
    private readonly beta: number,
    private readonly clock: () => number,
    load: InFlightView = NO_LOAD,
  ) {
    this.#correction = new LoadCorrection(load, true);
  }

  added(destination: string): void {
    this.#stats.set(destination, { count: 1, since: this.#now() });
    this.#correction.added(destination);
  }

  removed(destination: string): void {
    this.#stats.delete(destination);
    this.#correction.removed(destination);
  }

  observed(destination: string, sample: CallSample): void {
    this.#correction.observed(destination, sample);
  }

  // Any change counts, including a controller's re-CHANGE of an existing pair (as the reference).
  weightChanged(destination: string, source: WeightSource): void {
    this.#correction.weightChanged(destination, source);
    const stats = this.#stats.get(destination);
    if (stats === undefined) return;
    stats.count += 1;
    stats.since = this.#now();
  }

  select(destinations: readonly Destination[]): string {
    const now = this.#now();
    let best: string | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < destinations.length; i++) {
      const d = destinations[i] as Destination;
      const stats = this.#stats.get(d.destination) ?? { count: 1, since: now };
      const rate = (stats.count + this.#correction.inFlight(i, d)) / (now - stats.since);
      const score = (1 / this.#correction.weight(i, d)) ** this.alpha / rate ** this.beta;
      // NaN (0/0 cannot occur: count ≥ 1) would never win; strict > keeps the earliest on ties.
      if (best === undefined || score > bestScore) {
        best = d.destination;
        bestScore = score;
      }
    }
    if (best === undefined) throw new Error("select() on an empty entry");
    return best;
  }

  #now(): number {
    return this.clock() / 1000;
  }
}
