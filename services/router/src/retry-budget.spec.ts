import { describe, expect, test } from "vitest";
import { RetryBudget } from "./retry-budget.js";

describe("RetryBudget", () => {
  test("allows about ratio × requests retries once the reserve is spent", () => {
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 0, clock: () => 0 });
    let retries = 0;
    for (let i = 0; i < 100; i++) {
      budget.deposit();
      if (budget.tryRetry()) retries++;
    }
    expect(retries).toBe(20);
  });

  test("a reserve lets a quiet router retry, refilled with time", () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 2, clock: () => now });
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    now += 500;
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });

  test("savings are capped, so a burst of failures after a quiet spell stays bounded", () => {
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 0, clock: () => 0 });
    for (let i = 0; i < 10_000; i++) budget.deposit();
    let retries = 0;
    while (budget.tryRetry()) retries++;
    expect(retries).toBe(1);
  });
});
