import { describe, expect, it } from "vitest";
import { poissonArrivals } from "./routing-arrivals.js";

describe("poissonArrivals", () => {
  it("draws the same arrivals for the same seed, and others for another seed", () => {
    const options = { rate: 50, durationMs: 10_000, clients: 64, seed: 7 };
    expect(poissonArrivals(options)).toEqual(poissonArrivals(options));
    expect(poissonArrivals({ ...options, seed: 8 })).not.toEqual(poissonArrivals(options));
  });

  it("keeps arrivals sorted inside [0, duration) and clients inside [0, clients)", () => {
    const arrivals = poissonArrivals({ rate: 200, durationMs: 5_000, clients: 3, seed: 1 });
    let previous = 0;
    for (const { atMs, client } of arrivals) {
      expect(atMs).toBeGreaterThanOrEqual(previous);
      expect(atMs).toBeLessThan(5_000);
      expect([0, 1, 2]).toContain(client);
      previous = atMs;
    }
  });

  it("arrives at the asked rate with exponential gaps (mean = standard deviation)", () => {
    const rate = 100;
    const arrivals = poissonArrivals({ rate, durationMs: 200_000, clients: 1, seed: 3 });
    // 20,000 expected; a Poisson count's standard deviation is √20,000 ≈ 141.
    expect(Math.abs(arrivals.length - 20_000)).toBeLessThan(4 * 141);
    const gaps = arrivals.slice(1).map((a, i) => a.atMs - (arrivals[i]?.atMs ?? 0));
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(10, 0);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it("spreads arrivals evenly over the clients", () => {
    const arrivals = poissonArrivals({ rate: 640, durationMs: 100_000, clients: 64, seed: 5 });
    const perClient = new Array<number>(64).fill(0);
    for (const { client } of arrivals) perClient[client] = (perClient[client] ?? 0) + 1;
    // ~1,000 each, standard deviation ~32.
    for (const count of perClient) expect(Math.abs(count - 1000)).toBeLessThan(160);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => poissonArrivals({ rate: 0, durationMs: 1000, clients: 1, seed: 1 })).toThrow(
      /rate/,
    );
  });
});
