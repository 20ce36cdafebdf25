import {
  applyWeight,
  EMPTY_REPORT,
  type LocalOptimizer,
  type PollReport,
  type WeightedTable,
} from "./local-optimizer.js";

/**
 * `asyncPF` (reference §3.5): sets the weight to the latency of every success. Each update also
 * counts as one more service in the proportional-fairness policy's statistics, which is what the
 * pairing `type=proportional-fairness` + `type=asyncPF` relies on.
 */
export class AsyncPfOptimizer implements LocalOptimizer {
  readonly type = "asyncPF";

  constructor(private readonly table: WeightedTable) {}

  observe(lambda: string, destination: string, seconds: number): boolean {
    return applyWeight(this.table, lambda, destination, seconds);
  }

  poll(): PollReport {
    return EMPTY_REPORT;
  }

  nextDueAt(): undefined {
    return undefined;
  }
}
