import { describe, expect, it } from "vitest";
import { psMeanLatencyMs, sharesOf, squareRootSplit } from "./routing-square-root-split.js";

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

/** The best split of `rate` over two servers by brute force, on a grid of 1/10,000. */
function bruteForceTwo(capacities: [number, number], rate: number): number {
  let best = Number.POSITIVE_INFINITY;
  let bestShare = Number.NaN;
  for (let k = 0; k <= 10_000; k++) {
    const share = k / 10_000;
    const mean = psMeanLatencyMs(capacities, [share * rate, (1 - share) * rate]);
    if (mean < best) {
      best = mean;
      bestShare = share;
    }
  }
  return bestShare;
}

describe("squareRootSplit", () => {
  it("splits 20 ms and 80 ms servers at 70 % as the square-root rule says (37.5 + 6.25)", () => {
    const rates = squareRootSplit([50, 12.5], 43.75);
    expect(rates[0]).toBeCloseTo(37.5, 9);
    expect(rates[1]).toBeCloseTo(6.25, 9);
    // 6/7 · 1/12.5 + 1/7 · 1/6.25 s
    expect(psMeanLatencyMs([50, 12.5], rates)).toBeCloseTo(91.43, 2);
  });

  it("matches a brute-force search over two servers at several loads", () => {
    for (const load of [0.3, 0.5, 0.7, 0.9]) {
      const rate = load * 62.5;
      const share = sharesOf(squareRootSplit([50, 12.5], rate))[0] as number;
      expect(Math.abs(share - bruteForceTwo([50, 12.5], rate))).toBeLessThan(2e-4);
    }
  });

  it("beats every nearby split of three servers", () => {
    const capacities = [100, 50, 12.5];
    const rate = 0.7 * sum(capacities);
    const best = squareRootSplit(capacities, rate);
    expect(sum(best)).toBeCloseTo(rate, 9);
    const optimum = psMeanLatencyMs(capacities, best);
    for (const [from, to] of [
      [0, 1],
      [1, 0],
      [0, 2],
      [2, 0],
      [1, 2],
      [2, 1],
    ] as const) {
      const moved = [...best];
      const delta = Math.min(1, moved[from] as number);
      moved[from] = (moved[from] as number) - delta;
      moved[to] = (moved[to] as number) + delta;
      expect(psMeanLatencyMs(capacities, moved)).toBeGreaterThan(optimum);
    }
  });

  it("gives equal servers equal shares", () => {
    expect(sharesOf(squareRootSplit([40, 40, 40], 60))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it("gives a slow server nothing at a light load, and solves again over the others", () => {
    // 5 ms and 20 ms servers at 17.5 calls/s: the fast one alone is best.
    expect(squareRootSplit([200, 50], 17.5)).toEqual([17.5, 0]);
    const rates = squareRootSplit([12.5, 100, 50], 40);
    expect(rates[0]).toBe(0);
    expect(sum(rates)).toBeCloseTo(40, 9);
    expect(sharesOf(rates)[1]).toBeCloseTo(bruteForceTwo([100, 50], 40), 3);
  });

  it("refuses a load the servers cannot carry", () => {
    expect(() => squareRootSplit([50, 12.5], 62.5)).toThrow(/joint capacity/);
    expect(() => squareRootSplit([0, 12.5], 1)).toThrow(/capacity/);
  });
});

describe("psMeanLatencyMs", () => {
  it("is 1/(μ − λ) for one server, and infinite when overloaded", () => {
    expect(psMeanLatencyMs([50], [40])).toBeCloseTo(100, 9);
    expect(psMeanLatencyMs([50, 12.5], [30, 12.5])).toBe(Number.POSITIVE_INFINITY);
  });
});
