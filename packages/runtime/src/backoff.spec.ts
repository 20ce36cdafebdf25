import { describe, expect, test } from "vitest";
import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  test("doubles from the initial delay up to the cap", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.failures).toBe(6);
  });

  test("reset starts over", () => {
    const backoff = new Backoff({ initialMs: 50, maxMs: 1000, jitter: 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });

  test("jitter takes off at most its fraction, drawn from the rng", () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2, rng: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2, rng: () => 0.999999 });
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1000);
  });
});
