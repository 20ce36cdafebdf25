/**
 * Summary statistics of a series (latencies, processing times): count, mean, standard deviation,
 * min, max and percentiles. The standard deviation is the population one (divided by n), as the
 * reference's boost accumulator computes it; percentiles use the nearest-rank method on every
 * sample kept (8 bytes each: a million requests cost 8 MB).
 */
export class SummaryStat {
  #samples: number[] = [];
  #sorted = true;
  #mean = 0;
  #m2 = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    const samples = this.#samples;
    if (samples.length > 0 && value < (samples[samples.length - 1] as number)) this.#sorted = false;
    samples.push(value);
    // Welford's update: stable even when the values are close to each other.
    const delta = value - this.#mean;
    this.#mean += delta / samples.length;
    this.#m2 += delta * (value - this.#mean);
    this.#min = Math.min(this.#min, value);
    this.#max = Math.max(this.#max, value);
  }

  get count(): number {
    return this.#samples.length;
  }

  /** NaN when empty, as are the other statistics. */
  get mean(): number {
    return this.count === 0 ? Number.NaN : this.#mean;
  }

  get stddev(): number {
    return this.count === 0 ? Number.NaN : Math.sqrt(this.#m2 / this.count);
  }

  get min(): number {
    return this.count === 0 ? Number.NaN : this.#min;
  }

  get max(): number {
    return this.count === 0 ? Number.NaN : this.#max;
  }

  /** The smallest sample with at least `p` % of the samples at or below it (0 < p ≤ 100). */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    if (!this.#sorted) {
      this.#samples.sort((a, b) => a - b);
      this.#sorted = true;
    }
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    return this.#samples[rank - 1] as number;
  }
}
