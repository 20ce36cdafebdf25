import { NoDestinations } from "../forwarding-table-errors.js";

/** What an optimizer needs of a table: the update-only weight change. */
export interface WeightedTable {
  updateWeight(lambda: string, destination: string, weight: number): void;
}

/** A pair whose weight could not be set because it left the table meanwhile. */
export interface VanishedPair {
  readonly lambda: string;
  readonly destination: string;
}

export interface PollReport {
  /** Pairs whose weight was set. */
  readonly updated: number;
  /** Pairs removed from the table since their samples were taken (worth a debug log, no more). */
  readonly vanished: readonly VanishedPair[];
}

/**
 * A local optimizer (reference §3.5) turns the latencies of successful forwarded calls into table
 * weights. One instance per table. It owns no timer: the I/O layer calls `poll()` when
 * `nextDueAt()` (a time on the injected clock, in ms) has come.
 */
export interface LocalOptimizer {
  /** The `--optimizer-conf` type, for logs. */
  readonly type: string;
  /**
   * One successful call to `destination`, `seconds` long. Returns false when the pair has left
   * the table meanwhile (nothing to learn), true otherwise.
   */
  observe(lambda: string, destination: string, seconds: number): boolean;
  poll(): PollReport;
  nextDueAt(): number | undefined;
}

export const EMPTY_REPORT: PollReport = { updated: 0, vanished: [] };

/**
 * The smallest weight an optimizer writes. A zero weight is an invalid destination for the table
 * (reference §3.1) and a sub-microsecond call can measure as 0 with a coarse clock.
 */
export const MIN_WEIGHT = 1e-6;

/**
 * Sets a measured weight; false if the pair vanished (the controller removed it, or a failure
 * evicted it, while the call was in flight). Any other error is a bug and propagates.
 */
export function applyWeight(
  table: WeightedTable,
  lambda: string,
  destination: string,
  seconds: number,
): boolean {
  try {
    table.updateWeight(lambda, destination, Math.max(MIN_WEIGHT, seconds));
    return true;
  } catch (error) {
    if (error instanceof NoDestinations) return false;
    throw error;
  }
}

/** `none`: weights stay as installed. */
export class NoneOptimizer implements LocalOptimizer {
  readonly type = "none";
  observe(_lambda: string, _destination: string, _seconds: number): boolean {
    return true;
  }
  poll(): PollReport {
    return EMPTY_REPORT;
  }
  nextDueAt(): undefined {
    return undefined;
  }
}
