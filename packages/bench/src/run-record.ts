import type { LoadResult } from "./closed-loop.js";

/** Which run a record is about: one variant at one concurrency. */
export interface RunKey {
  readonly variant: string;
  readonly concurrency: number;
}

/** A run that could not be measured, and why. */
export interface FailedRun extends RunKey {
  readonly failure: string;
}

/** What the load client saw of a run, as a measured record carries it. */
export type LoadFigures = Omit<LoadResult, "windowSeconds">;

/** A measured run: the load figures after its key; benches add their CPU and memory figures. */
export interface MeasuredLoad extends RunKey, LoadFigures {
  readonly failure?: undefined;
}

/** The figures of `load` a measured record carries, in the order it lists them. */
export function loadFigures(load: LoadResult): LoadFigures {
  return {
    calls: load.calls,
    errors: load.errors,
    firstError: load.firstError,
    callsPerSecond: load.callsPerSecond,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
  };
}
