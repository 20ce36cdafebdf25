import type { Destination, SelectionPolicy, WeightSource } from "../selection-policy.js";

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
 */
export class LeastImpedancePolicy implements SelectionPolicy {
  readonly #states = new Map<string, State>();
  readonly #probePeriodMs: number;
  readonly #stalePeriodMs: number;

  constructor(
    private readonly clock: () => number,
    options: LeastImpedanceOptions = {},
  ) {
    this.#probePeriodMs = options.probePeriodMs ?? 1_000;
    this.#stalePeriodMs = options.stalePeriodMs ?? 10_000;
  }

  added(destination: string): void {
    this.#states.set(destination, { measured: false, lastSeen: undefined });
  }

  removed(destination: string): void {
    this.#states.delete(destination);
  }

  weightChanged(destination: string, source: WeightSource): void {
    const measured = source === "measurement";
    this.#states.set(destination, {
      measured,
      lastSeen: measured ? this.clock() : undefined,
    });
  }

  select(destinations: readonly Destination[]): string {
    const measured = destinations.filter((d) => this.#states.get(d.destination)?.measured);
    if (measured.length === 0) return minimum(destinations).destination;

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

    const best = minimum(measured);
    for (const d of measured) {
      const state = this.#states.get(d.destination);
      if (d !== best && state !== undefined && due(state, this.#stalePeriodMs)) {
        state.lastSeen = now;
        return d.destination;
      }
    }
    return best.destination;
  }
}

function minimum(destinations: readonly Destination[]): Destination {
  let best: Destination | undefined;
  for (const d of destinations) {
    if (best === undefined || d.weight < best.weight) best = d;
  }
  if (best === undefined) throw new Error("select() on an empty entry");
  return best;
}
