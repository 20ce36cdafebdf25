import type { CallSample, InFlight, InFlightView } from "../destination-load.js";
import type { Destination, WeightSource } from "../selection-policy.js";

interface Seen {
  readonly destination: string;
  readonly load: InFlight;
  /** Σ concurrency of the calls finished since the weight was last measured, and their number. */
  sum: number;
  count: number;
  /**
   * The mean concurrency (≥ 1) the current measured weight was learned at; undefined while the
   * weight is an installed one, or a measurement whose calls this router did not see.
   */
  atWeight: number | undefined;
}

/**
 * Carries a learned weight to the load of the present moment: our fix for the herding of the
 * reference's policies (README "Under load").
 *
 * A measured weight is a latency, learned from calls that ran while the destination had some
 * number of this router's calls in flight: c̄, the mean of each call's concurrency (its latency
 * ÷ its processor-sharing "alone" time, `CallSample`). On a processor-sharing computer latency
 * is about proportional to the calls in flight, so a call picked *now* can expect
 * w · (inFlight + 1) / c̄. Without this a weight ignores every call sent since it was learned:
 * least-impedance sends all the picks of an optimizer period to one destination,
 * proportional-fairness all the picks between two completions, and random's split lags a
 * period behind the load it causes, then overshoots.
 *
 * An installed weight (the controller's 1.0, a split set with forwardingtableclient) or a weight
 * whose calls this router did not see is not a latency at a known load. With `installedAlone`
 * it is taken as the cost of a call alone (c̄ = 1: w · (inFlight + 1)), so equal installed
 * weights split by calls in flight instead of herding for a whole optimizer period; without it
 * (random: a static split must stay static) it is used as it is. Either way the correction is
 * the identity wherever the reference's asserted sequences live: a table nothing forwards
 * through has no call in flight and no c̄.
 *
 * Kept in insertion order beside the table's destinations, so `weight(i, d)` costs no hashing.
 */
export class LoadCorrection {
  readonly #order: Seen[] = [];
  readonly #byName = new Map<string, Seen>();
  /** Destinations whose weight is corrected: none means every weight is used as it is. */
  #corrected = 0;

  constructor(
    private readonly load: InFlightView,
    private readonly installedAlone: boolean,
  ) {}

  /** False when every weight is used as it is (callers may take a faster path). */
  get active(): boolean {
    return this.installedAlone || this.#corrected > 0;
  }

  added(destination: string): void {
    const seen: Seen = {
      destination,
      load: this.load.counter(destination),
      sum: 0,
      count: 0,
      atWeight: undefined,
    };
    this.#order.push(seen);
    this.#byName.set(destination, seen);
  }

  removed(destination: string): void {
    const seen = this.#byName.get(destination);
    if (seen === undefined) return;
    if (seen.atWeight !== undefined) this.#corrected -= 1;
    this.#byName.delete(destination);
    this.#order.splice(this.#order.indexOf(seen), 1);
  }

  /** A call to `destination` finished (told before the optimizer turns it into a weight). */
  observed(destination: string, sample: CallSample): void {
    const seen = this.#byName.get(destination);
    if (seen === undefined) return;
    seen.sum += sample.alone > 0 ? Math.max(1, sample.seconds / sample.alone) : 1;
    seen.count += 1;
  }

  weightChanged(destination: string, source: WeightSource): void {
    const seen = this.#byName.get(destination);
    if (seen === undefined) return;
    const before = seen.atWeight !== undefined;
    if (source === "install") {
      seen.atWeight = undefined;
    } else if (seen.count > 0) {
      seen.atWeight = seen.sum / seen.count;
    }
    this.#corrected += Number(seen.atWeight !== undefined) - Number(before);
    seen.sum = 0;
    seen.count = 0;
  }

  /** This router's calls in flight towards `d`, the `index`-th destination. */
  inFlight(index: number, d: Destination): number {
    let seen = this.#order[index];
    if (seen?.destination !== d.destination) seen = this.#byName.get(d.destination);
    return seen?.load.inFlight ?? 0;
  }

  /** The weight expected for a call sent now to `d`, the `index`-th destination. */
  weight(index: number, d: Destination): number {
    let seen = this.#order[index];
    if (seen?.destination !== d.destination) seen = this.#byName.get(d.destination);
    if (seen === undefined) return d.weight;
    if (seen.atWeight === undefined) {
      return this.installedAlone ? d.weight * (seen.load.inFlight + 1) : d.weight;
    }
    return (d.weight * (seen.load.inFlight + 1)) / seen.atWeight;
  }
}
