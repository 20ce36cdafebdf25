import { MetricsRegistry } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { MeteredRetryBudget } from "./retry-budget-metrics.js";

describe("MeteredRetryBudget", () => {
  it("answers as the budget does and counts retries and refusals", async () => {
    const registry = new MetricsRegistry();
    const budget = new MeteredRetryBudget(
      { ratio: 0.5, minPerSecond: 0, clock: () => 0 },
      registry,
    );
    expect(await registry.render()).toContain('soe_router_retries_total{outcome="retried"} 0\n');
    budget.deposit();
    expect(budget.tryRetry()).toBe(false);
    budget.deposit();
    budget.deposit();
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    const text = await registry.render();
    expect(text).toContain('soe_router_retries_total{outcome="retried"} 1\n');
    expect(text).toContain('soe_router_retries_total{outcome="budget_exhausted"} 2\n');
  });
});
