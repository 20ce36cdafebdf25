/** The loads a response carries (reference §1.2 fields 6–8), in percent. */
export interface Loads {
  readonly load1: number;
  readonly load10: number;
  readonly load30: number;
}

export const NO_LOADS: Loads = { load1: 0, load10: 0, load30: 0 };

/** Reference §5.4: a utilization in [0, 1] is reported as `floor(0.5 + 100·x)` percent. */
export function loadPercent(utilization: number): number {
  return Math.floor(0.5 + 100 * utilization);
}

/** Loads from three utilizations (the 1-s sample and the 10- and 30-sample means). */
export function toLoads(last: number, mean10: number, mean30: number): Loads {
  return { load1: loadPercent(last), load10: loadPercent(mean10), load30: loadPercent(mean30) };
}

/**
 * The utilization history of one processor (reference §5.4): the latest sample and the means of
 * the last ≤10 and ≤30 samples. With no sample yet, every load is 0.
 */
export class ProcessorLoads {
  readonly #samples: number[] = [];

  push(utilization: number): void {
    this.#samples.push(utilization);
    if (this.#samples.length > 30) this.#samples.shift();
  }

  get loads(): Loads {
    const n = this.#samples.length;
    if (n === 0) return NO_LOADS;
    return toLoads(this.#samples[n - 1] ?? 0, mean(this.#samples.slice(-10)), mean(this.#samples));
  }
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}
