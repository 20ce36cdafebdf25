import type { CallSample, InFlight, InFlightView } from "../destination-load.js";
import type { Rng } from "@soe/reference";
import type { Destination, SelectionPolicy } from "../selection-policy.js";

export interface LeastLatencyRifOptions {
  /** Destinations sampled per pick (power of d choices), besides the one remembered. */
  readonly choices?: number;
  /** Weight of a new sample in the moving average of a destination's alone time, in (0, 1]. */
  readonly smoothing?: number;
  /** ms without a sample after which an idle destination's estimate is not trusted. */
  readonly stalePeriodMs?: number;
}

interface Estimate {
  /** This router's calls in flight there, live. */
  readonly load: InFlight;
  /** Seconds a call takes alone there (moving average of `CallSample.alone`); NaN: none yet. */
  alone: number;
  /** ms: last sample. */
  at: number;
}

const DEFAULT_CHOICES = 2;
const DEFAULT_SMOOTHING = 0.25;
const DEFAULT_STALE_PERIOD_MS = 1_000;

/**
 * `least-latency-rif` (ours, the default; README "least-latency-rif"): picks the destination
 * where a call sent now is expected to finish first, from this router's requests in flight (RIF)
 * and each destination's learned service time:
 *
 *     expected latency = alone · (inFlight + 1)
 *
 * `alone` is what a call takes there by itself, learned from finished calls: the latency divided
 * by the mean number of this router's calls that shared the destination with it (DestinationLoad).
 * Unlike a raw latency it does not move with the load we put on the destination — a raw latency
 * times RIF (Linkerd's peak-EWMA cost) counts the load twice, and a raw latency alone (the
 * reference's weights) counts the past load instead of the present one. On a processor-sharing
 * computer the product is exact for our own calls; the calls of other routers show up as a
 * larger `alone`, learned within a few completions.
 *
 * Anchors: Prequal (NSDI 2024) ranks by estimated latency and RIF over power-of-d probes; here
 * RIF is exact and free (our own counter), and latency is piggybacked on every response, so no
 * probe is sent. C3 (NSDI 2015) likewise multiplies service time by queue size. Cost per pick is
 * constant: with more than `choices` + 1 destinations it compares `choices` sampled at random
 * plus the best one of the previous pick (power of d choices with memory, Mitzenmacher et al.),
 * Envoy's and Linkerd's P2C otherwise.
 *
 * A destination never measured, or idle and unmeasured for `stalePeriodMs`, is ranked with the
 * best estimate among the candidates (optimistic: it gets a call, and a fresh sample); when no
 * candidate is measured, the least RIF wins. Table weights are not used: they are what the
 * optimizer learns, for GetTable; the estimate here is kept per pick and per response.
 */
export class LeastLatencyRifPolicy implements SelectionPolicy {
  readonly #estimates = new Map<string, Estimate>();
  readonly #choices: number;
  readonly #smoothing: number;
  readonly #stalePeriodMs: number;
  /** The best candidate left after the previous pick, compared again at the next one. */
  #remembered: Destination | undefined;

  constructor(
    private readonly load: InFlightView,
    private readonly rng: Rng,
    private readonly clock: () => number,
    options: LeastLatencyRifOptions = {},
  ) {
    this.#choices = Math.max(1, Math.floor(options.choices ?? DEFAULT_CHOICES));
    this.#smoothing = options.smoothing ?? DEFAULT_SMOOTHING;
    if (!(this.#smoothing > 0 && this.#smoothing <= 1)) {
      throw new Error(`Invalid least-latency-rif smoothing: ${this.#smoothing}, must be in (0, 1]`);
    }
    this.#stalePeriodMs = options.stalePeriodMs ?? DEFAULT_STALE_PERIOD_MS;
  }

  added(destination: string): void {
    this.#estimates.set(destination, {
      load: this.load.counter(destination),
      alone: Number.NaN,
      at: this.clock(),
    });
  }

  removed(destination: string): void {
    this.#estimates.delete(destination);
    if (this.#remembered?.destination === destination) this.#remembered = undefined;
  }

  // An installed weight says nothing about the service time; the estimate is kept.
  weightChanged(): void {}

  observed(destination: string, sample: CallSample): void {
    const estimate = this.#estimates.get(destination);
    if (estimate === undefined) return;
    estimate.alone = Number.isNaN(estimate.alone)
      ? sample.alone
      : estimate.alone + this.#smoothing * (sample.alone - estimate.alone);
    estimate.at = this.clock();
  }

  select(destinations: readonly Destination[]): string {
    const n = destinations.length;
    if (n === 0) throw new Error("select() on an empty entry");
    if (n === 1) return (destinations[0] as Destination).destination;
    const now = this.clock();
    const candidates = this.#candidates(destinations);
    // Pass 1: each candidate's RIF and trusted estimate; the best estimate stands in for the rest.
    let bestAlone = Number.POSITIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as Candidate;
      const estimate = this.#estimates.get(c.destination.destination);
      c.inFlight = estimate?.load.inFlight ?? 0;
      c.alone =
        estimate === undefined || (c.inFlight === 0 && now - estimate.at >= this.#stalePeriodMs)
          ? Number.NaN
          : estimate.alone;
      if (c.alone < bestAlone) bestAlone = c.alone;
    }
    if (bestAlone === Number.POSITIVE_INFINITY) bestAlone = 1; // nothing measured: least RIF
    // Pass 2: the least expected latency; ties to the fewest in flight, then the earliest found.
    let best: Candidate | undefined;
    let second: Candidate | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as Candidate;
      c.score = (Number.isNaN(c.alone) ? bestAlone : c.alone) * (c.inFlight + 1);
      if (best === undefined || better(c, best)) {
        second = best;
        best = c;
      } else if (second === undefined || better(c, second)) {
        second = c;
      }
    }
    const picked = best as Candidate;
    // Memory: what is left best after this call lands on `picked` (its score grows by one call).
    const pickedNext = picked.score + picked.score / (picked.inFlight + 1);
    this.#remembered =
      second !== undefined && second.score < pickedNext ? second.destination : picked.destination;
    return picked.destination.destination;
  }

  readonly #pool: Candidate[] = [];

  /** All destinations when few; otherwise `choices` at random plus the remembered one. */
  #candidates(destinations: readonly Destination[]): Candidate[] {
    const n = destinations.length;
    const pool = this.#pool;
    pool.length = 0;
    if (n <= this.#choices + 1) {
      for (let i = 0; i < n; i++) pool.push(this.#candidate(i, destinations[i] as Destination));
      return pool;
    }
    const remembered = this.#remembered;
    if (remembered !== undefined && this.#estimates.has(remembered.destination)) {
      pool.push(this.#candidate(0, remembered));
    }
    for (let k = 0; k < this.#choices; k++) {
      // Distinct draws; d is tiny, so a linear duplicate check beats a set.
      for (let attempt = 0; attempt < 4; attempt++) {
        const d = destinations[Math.floor(this.rng() * n)] as Destination;
        if (!pool.some((c) => c.destination.destination === d.destination)) {
          pool.push(this.#candidate(pool.length, d));
          break;
        }
      }
    }
    return pool;
  }

  readonly #spare: Candidate[] = [];

  #candidate(index: number, destination: Destination): Candidate {
    let c = this.#spare[index];
    if (c === undefined) {
      c = { destination, inFlight: 0, alone: 0, score: 0 };
      this.#spare[index] = c;
    }
    c.destination = destination;
    return c;
  }
}

interface Candidate {
  destination: Destination;
  inFlight: number;
  alone: number;
  score: number;
}

/** Less expected latency; on a tie fewer in flight, then the one to learn about (no estimate). */
function better(a: Candidate, b: Candidate): boolean {
  if (a.score !== b.score) return a.score < b.score;
  if (a.inFlight !== b.inFlight) return a.inFlight < b.inFlight;
  return Number.isNaN(a.alone) && !Number.isNaN(b.alone);
}
