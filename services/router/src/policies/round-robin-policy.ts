import { type CallSample, type InFlightView, NO_LOAD } from "../destination-load.js";
import type { Destination, SelectionPolicy, WeightSource } from "../selection-policy.js";
import { compareText } from "../text-order.js";
import { LoadCorrection } from "./load-correction.js";

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
  /** Picked from at the previous pick (good then, or never updated). */
  eligible: boolean;
  rejoins: boolean;
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
 *
 * Our fix under load (README "Under load"): goodness and charges use the weight carried to the
 * present load (`LoadCorrection`: w · (inFlight + 1) / c̄), judged at each pick. The reference
 * judges raw latencies once per weight update: a destination measured loaded looks more than
 * 2× worse than one measured idle, so it leaves the active set and the idle one gets every pick
 * of the next period, then the roles swap. With no call in flight the corrected weights are the
 * weights, and the picks are the reference's.
 */
export class RoundRobinPolicy implements SelectionPolicy {
  readonly #states = new Map<string, State>();
  #active = new Set<string>();
  readonly #correction: LoadCorrection;
  #charges = new Float64Array(8);

  constructor(
    private readonly clock: () => number,
    load: InFlightView = NO_LOAD,
  ) {
    this.#correction = new LoadCorrection(load, true);
  }

  observed(destination: string, sample: CallSample): void {
    this.#correction.observed(destination, sample);
  }

  added(destination: string, destinations: readonly Destination[]): void {
    this.#correction.added(destination);
    this.#states.set(destination, {
      deficit: this.#minActiveDeficit(),
      lastUpdated: undefined,
      stalePeriod: INITIAL_STALE_PERIOD,
      probing: false,
      eligible: false,
      rejoins: false,
    });
    this.#rebuild(destinations);
  }

  removed(destination: string, destinations: readonly Destination[]): void {
    this.#correction.removed(destination);
    this.#states.delete(destination);
    this.#active.delete(destination);
    this.#rebuild(destinations);
  }

  // Both a Configure CHANGE of an existing pair and an optimizer update count (the reference's
  // unit test interleaves them).
  weightChanged(
    destination: string,
    source: WeightSource,
    destinations: readonly Destination[],
  ): void {
    this.#correction.weightChanged(destination, source);
    const state = this.#states.get(destination);
    if (state !== undefined) state.lastUpdated = this.#now();
    const min = this.#minActiveDeficit();
    for (const s of this.#states.values()) s.deficit -= min;
    this.#rebuild(destinations);
  }

  select(destinations: readonly Destination[]): string {
    const n = destinations.length;
    if (this.#charges.length < n) this.#charges = new Float64Array(2 * n);
    const charges = this.#charges;
    // What a pick costs each destination now, and who is good now (within 2× the least): with
    // no call in flight these are the weights and the active set of the last rebuild.
    let least = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const charge = this.#correction.weight(i, destinations[i] as Destination);
      charges[i] = charge;
      if (charge < least) least = charge;
    }
    let floor = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const state = this.#states.get((destinations[i] as Destination).destination);
      if (state === undefined) continue;
      const eligible =
        n === 1 || (charges[i] as number) <= 2 * least || state.lastUpdated === undefined;
      if (eligible && state.eligible && state.deficit < floor) floor = state.deficit;
      state.rejoins = eligible && !state.eligible;
      state.eligible = eligible;
    }
    let best: Destination | undefined;
    let bestIndex = 0;
    let bestDeficit = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const d = destinations[i] as Destination;
      const state = this.#states.get(d.destination);
      if (state === undefined || !state.eligible) continue;
      // Rejoining level with the others, not with the deficit it froze at (see #rebuild).
      if (state.rejoins && floor !== Number.POSITIVE_INFINITY && state.deficit < floor) {
        state.deficit = floor;
      }
      const better =
        state.deficit < bestDeficit ||
        (state.deficit === bestDeficit &&
          best !== undefined &&
          compareText(d.destination, best.destination) < 0);
      if (best === undefined || better) {
        best = d;
        bestIndex = i;
        bestDeficit = state.deficit;
      }
    }
    if (best === undefined) throw new Error("select() with an empty active set");
    const state = this.#states.get(best.destination);
    if (state !== undefined) state.deficit += charges[bestIndex] as number;
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
    // Fix: a destination that turns good again rejoins level with the others too. Its deficit
    // froze while it was out, so it would otherwise take every pick until it caught up with a
    // whole period's worth of the others' charges: a burst that drowns it.
    for (const name of active) {
      const state = this.#states.get(name);
      if (state !== undefined && !this.#active.has(name) && state.deficit < baseline) {
        state.deficit = baseline;
      }
    }
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
