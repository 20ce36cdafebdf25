/** Nearest-rank percentile of sorted values; NaN when there are none. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Arithmetic mean; NaN when there are no values. */
export function mean(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Latencies appended one by one into a growing typed array: no boxed numbers, so a window of
 * hundreds of thousands of calls does not feed the load client's garbage collector.
 */
export class LatencySamples {
  #values: Float64Array;
  #count = 0;

  constructor(initialCapacity = 1 << 14) {
    this.#values = new Float64Array(initialCapacity);
  }

  get count(): number {
    return this.#count;
  }

  add(value: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#count * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = value;
  }

  /** The samples so far, sorted ascending (a copy: adding more afterwards is fine). */
  sorted(): Float64Array {
    return this.#values.slice(0, this.#count).sort();
  }
}
