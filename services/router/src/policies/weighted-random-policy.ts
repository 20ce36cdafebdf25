import type { Rng } from "../seeded-random.js";
import type { Destination, SelectionPolicy } from "../selection-policy.js";

/**
 * `random` (reference §3.4): picks d with probability (1/w_d) / Σ(1/w). Draws r = U[0,1)·Σ(1/w)
 * and walks the destinations in insertion order, accumulating 1/w, up to the first whose running
 * sum reaches r (the last one if rounding leaves r above the sum). A lone destination is returned
 * without drawing, so the rng sequence matches the reference's call for call.
 */
export class WeightedRandomPolicy implements SelectionPolicy {
  constructor(private readonly rng: Rng) {}

  added(): void {}
  removed(): void {}
  weightChanged(): void {}

  select(destinations: readonly Destination[]): string {
    const last = destinations[destinations.length - 1];
    if (last === undefined) throw new Error("select() on an empty entry");
    if (destinations.length === 1) return last.destination;

    let total = 0;
    for (const d of destinations) total += 1 / d.weight;
    const threshold = this.rng() * total;
    let sum = 0;
    for (const d of destinations) {
      sum += 1 / d.weight;
      if (sum >= threshold) return d.destination;
    }
    return last.destination;
  }
}
