import type { CounterSeries, MetricsRegistry } from "@soe/runtime";
import { RetryBudget, type RetryBudgetOptions } from "./retry-budget.js";

/**
 * A RetryBudget that counts its answers (issue 14): `soe_router_retries_total{outcome}`, "retried"
 * when a request that provably never reached its failed destination was let go to another one,
 * "budget_exhausted" when the budget refused and the failure went back to the caller.
 */
export class MeteredRetryBudget extends RetryBudget {
  readonly #retried: CounterSeries;
  readonly #refused: CounterSeries;

  constructor(options: RetryBudgetOptions, registry: MetricsRegistry) {
    super(options);
    const retries = registry.counter(
      "soe_router_retries_total",
      "Calls that failed before reaching a destination, by whether the retry budget let them retry elsewhere (retried, budget_exhausted).",
      ["outcome"],
    );
    this.#retried = retries.labels({ outcome: "retried" });
    this.#refused = retries.labels({ outcome: "budget_exhausted" });
  }

  override tryRetry(): boolean {
    const allowed = super.tryRetry();
    (allowed ? this.#retried : this.#refused).inc();
    return allowed;
  }
}
