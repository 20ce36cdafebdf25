import type { Destination, SelectionPolicy } from "../selection-policy.js";
import { compareText } from "../text-order.js";

/** C++ FLT_MAX: the deficit of destinations added to an empty entry (reference §3.4). */
const FLOAT_MAX = 3.4028234663852886e38;
/** Seconds a slow destination waits before its first re-probe; doubles up to the maximum. */
const INITIAL_STALE_PERIOD = 1;
const MAX_STALE_PERIOD = 30;

interface State {
  deficit: number;
  /** Seconds; undefined = never updated (new, or being probed). */
  lastUpdated: number | undefined;
  stalePeriod: number;
  probing: boolean;
}

/**
 * `round-robin` (reference §3.4): deficit round robin over an *active set*.
 *
 * The active set holds the "good" destinations — weight ≤ 2 × the entry's minimum weight, or any
 * destination when it is alone — plus those never updated. A slow destination is not forgotten:
 * once it has gone `stalePeriod` seconds without an update it becomes active again for one probe
 * (with the current minimum deficit, so it is picked soon). When its next update arrives it is
 * re-evaluated: good again → stale period back to 1 s; still slow → the period doubles, up to 30 s.
 *
 * A pick takes the active destination with the lowest deficit (ties: destination-name order) and
 * adds its weight to its deficit. A weight update renormalises all deficits by the active
 * minimum. The active set is rebuilt on every add, remove and weight update — not on picks, as in
 * the reference.
 */
export class RoundRobinPolicy implements SelectionPolicy {
  readonly #states = new Map<string, State>();
  #active = new Set<string>();

  constructor(private readonly clock: () => number) {}

  added(destination: string, destinations: readonly Destination[]): void {
    this.#states.set(destination, {
      deficit: this.#minActiveDeficit(),
      lastUpdated: undefined,
      stalePeriod: INITIAL_STALE_PERIOD,
      probing: false,
    });
    this.#rebuild(destinations);
  }

  removed(destination: string, destinations: readonly Destination[]): void {
    this.#states.delete(destination);
    this.#active.delete(destination);
    this.#rebuild(destinations);
  }

  // Both a Configure CHANGE of an existing pair and an optimizer update count (the reference's
  // unit test interleaves them).
  weightChanged(destination: string, _source: unknown, destinations: readonly Destination[]): void {
    const state = this.#states.get(destination);
    if (state !== undefined) state.lastUpdated = this.#now();
    const min = this.#minActiveDeficit();
    for (const s of this.#states.values()) s.deficit -= min;
    this.#rebuild(destinations);
  }

  select(destinations: readonly Destination[]): string {
    let best: Destination | undefined;
    let bestDeficit = Number.POSITIVE_INFINITY;
    for (const d of destinations) {
      const state = this.#states.get(d.destination);
      if (state === undefined || !this.#active.has(d.destination)) continue;
      const better =
        state.deficit < bestDeficit ||
        (state.deficit === bestDeficit &&
          best !== undefined &&
          compareText(d.destination, best.destination) < 0);
      if (best === undefined || better) {
        best = d;
        bestDeficit = state.deficit;
      }
    }
    if (best === undefined) throw new Error("select() with an empty active set");
    const state = this.#states.get(best.destination);
    if (state !== undefined) state.deficit += best.weight;
    return best.destination;
  }

  /** The active set, for tests and diagnostics. */
  activeSet(): string[] {
    return [...this.#active].sort(compareText);
  }

  #rebuild(destinations: readonly Destination[]): void {
    const now = this.#now();
    const minWeight = Math.min(...destinations.map((d) => d.weight));
    const isGood = (d: Destination) => destinations.length === 1 || d.weight <= 2 * minWeight;

    const active = new Set<string>();
    const slow: [Destination, State][] = [];
    for (const d of destinations) {
      const state = this.#states.get(d.destination);
      if (state === undefined) continue;
      const good = isGood(d);
      if (state.probing && state.lastUpdated !== undefined) {
        // The probe came back with a fresh weight: judge it.
        state.probing = false;
        state.stalePeriod = good
          ? INITIAL_STALE_PERIOD
          : Math.min(MAX_STALE_PERIOD, 2 * state.stalePeriod);
      }
      if (good || state.lastUpdated === undefined) {
        active.add(d.destination);
      } else {
        slow.push([d, state]);
      }
    }

    // Probes start level with the best active destination, so they are picked soon.
    const baseline = minDeficit(active, this.#states);
    for (const [d, state] of slow) {
      if (state.lastUpdated !== undefined && now - state.lastUpdated >= state.stalePeriod) {
        state.probing = true;
        state.lastUpdated = undefined;
        state.deficit = baseline;
        active.add(d.destination);
      }
    }
    this.#active = active;
  }

  #minActiveDeficit(): number {
    return minDeficit(this.#active, this.#states);
  }

  #now(): number {
    return this.clock() / 1000;
  }
}

function minDeficit(active: ReadonlySet<string>, states: ReadonlyMap<string, State>): number {
  let min = FLOAT_MAX;
  for (const name of active) {
    const deficit = states.get(name)?.deficit;
    if (deficit !== undefined && deficit < min) min = deficit;
  }
  return min;
}
