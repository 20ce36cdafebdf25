import { type CallSample, type InFlightView, NO_LOAD } from "../destination-load.js";
import type { Destination, SelectionPolicy, WeightSource } from "../selection-policy.js";
import { LoadCorrection } from "./load-correction.js";

export interface LeastImpedanceOptions {
  /** How often (ms) a never-measured destination may get a probe until it is measured. */
  readonly probePeriodMs?: number;
  /** After how long (ms) without a measurement a non-best destination gets one probe. */
  readonly stalePeriodMs?: number;
}

interface State {
  /** True once an optimizer reported a latency since the pair was (re)installed. */
  measured: boolean;
  /** ms: last measurement, or last probe sent. */
  lastSeen: number | undefined;
}

/**
 * `least-impedance` (reference §3.4): the destination with the smallest weight, ties to the
 * earliest inserted.
 *
 * Our fix (DESIGN §4, reference §12.2 "least-impedance never probes"): the controller installs
 * every computer with weight 1.0 (one second) while learned weights are latencies (often
 * milliseconds), so in the reference a computer announced after others were measured is never
 * picked — starved — and a destination measured once during a slow spell is never retried —
 * stuck on its bad weight. Here weights are tracked as installed (a Configure CHANGE) or measured
 * (an optimizer update), and:
 *  - while no destination is measured, all weights are on the installer's scale: plain minimum;
 *  - a never-measured destination gets one probe request (not the whole traffic), repeated at
 *    most every `probePeriodMs` until a measurement arrives (a periodic optimizer reports late);
 *  - otherwise the minimum is taken over measured destinations only, and a measured non-best
 *    destination whose last measurement or probe is older than `stalePeriodMs` gets one probe.
 *
 * And under load (README "Under load"): the minimum is taken over measured weights carried to
 * the present load (`LoadCorrection`: w · (inFlight + 1) / c̄). The reference compares weights
 * that change once per optimizer period, so every pick of a period goes to the same destination,
 * which then drowns: 9.4× the best static split on two processor-sharing computers. Corrected,
 * each pick goes where a call is expected to end first given the calls already sent there.
 */
export class LeastImpedancePolicy implements SelectionPolicy {
  readonly #states = new Map<string, State>();
  readonly #probePeriodMs: number;
  readonly #stalePeriodMs: number;
  readonly #correction: LoadCorrection;

  constructor(
    private readonly clock: () => number,
    options: LeastImpedanceOptions = {},
    load: InFlightView = NO_LOAD,
  ) {
    this.#probePeriodMs = options.probePeriodMs ?? 1_000;
    this.#stalePeriodMs = options.stalePeriodMs ?? 10_000;
    this.#correction = new LoadCorrection(load, true);
  }

  added(destination: string): void {
    this.#states.set(destination, { measured: false, lastSeen: undefined });
    this.#correction.added(destination);
  }

  removed(destination: string): void {
    this.#states.delete(destination);
    this.#correction.removed(destination);
  }

  observed(destination: string, sample: CallSample): void {
    this.#correction.observed(destination, sample);
  }

  weightChanged(destination: string, source: WeightSource): void {
    this.#correction.weightChanged(destination, source);
    const measured = source === "measurement";
    this.#states.set(destination, {
      measured,
      lastSeen: measured ? this.clock() : undefined,
    });
  }

  select(destinations: readonly Destination[]): string {
    const measured = destinations.filter((d) => this.#states.get(d.destination)?.measured);
    if (measured.length === 0) return this.#least(destinations, false).destination;

    const now = this.clock();
    const due = (state: State | undefined, period: number) =>
      state !== undefined && (state.lastSeen === undefined || now - state.lastSeen >= period);

    for (const d of destinations) {
      const state = this.#states.get(d.destination);
      if (state !== undefined && !state.measured && due(state, this.#probePeriodMs)) {
        state.lastSeen = now;
        return d.destination;
      }
    }

    const best = this.#least(destinations, true);
    for (const d of measured) {
      const state = this.#states.get(d.destination);
      if (d !== best && state !== undefined && due(state, this.#stalePeriodMs)) {
        state.lastSeen = now;
        return d.destination;
      }
    }
    return best.destination;
  }

  /** The (measured) destination with the least weight carried to the present load. */
  #least(destinations: readonly Destination[], measuredOnly: boolean): Destination {
    let best: Destination | undefined;
    let bestWeight = Number.POSITIVE_INFINITY;
    for (let i = 0; i < destinations.length; i++) {
      const d = destinations[i] as Destination;
      if (measuredOnly && !this.#states.get(d.destination)?.measured) continue;
      const w = this.#correction.weight(i, d);
      if (best === undefined || w < bestWeight) {
        best = d;
        bestWeight = w;
      }
    }
    if (best === undefined) throw new Error("no measured destination");
    return best;
  }
}
