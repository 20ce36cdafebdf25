import { type Loads, NO_LOADS, ProcessorLoads } from "./model/processor-loads.js";

/** Per-processor utilization in [0, 1] since the source's previous sample. */
export type UtilizationSource = () => Map<string, number>;

export type UtilizationListener = (values: ReadonlyMap<string, number>) => void;

/**
 * Reference §5.4's collector without its thread: each `sample()` (every ~1 s, driven by the
 * server) takes one utilization per processor from every source, feeds the processors' load
 * windows and publishes the map to every subscriber (the StreamUtil streams).
 *
 * We sample from start-up, not from the first task as the reference does (§12.2): an idle
 * processor then reports 0 instead of nothing, and loads reflect idle time before a burst.
 */
export class UtilizationMonitor {
  readonly #sources: readonly UtilizationSource[];
  readonly #loads = new Map<string, ProcessorLoads>();
  readonly #listeners = new Set<UtilizationListener>();
  #latest: ReadonlyMap<string, number> | undefined;

  constructor(sources: readonly UtilizationSource[]) {
    this.#sources = sources;
  }

  sample(): ReadonlyMap<string, number> {
    const values = new Map<string, number>();
    for (const source of this.#sources) {
      for (const [processor, utilization] of source()) values.set(processor, utilization);
    }
    for (const [processor, utilization] of values) {
      let loads = this.#loads.get(processor);
      if (loads === undefined) {
        loads = new ProcessorLoads();
        this.#loads.set(processor, loads);
      }
      loads.push(utilization);
    }
    this.#latest = values;
    for (const listener of this.#listeners) listener(values);
    return values;
  }

  /** The latest sample, if any. */
  get latest(): ReadonlyMap<string, number> | undefined {
    return this.#latest;
  }

  /** A processor's loads for a response (all 0 before the first sample). */
  loads(processor: string): Loads {
    return this.#loads.get(processor)?.loads ?? NO_LOADS;
  }

  subscribe(listener: UtilizationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }
}
