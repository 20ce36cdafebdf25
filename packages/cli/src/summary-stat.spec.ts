import { describe, expect, it } from "vitest";
import { SummaryStat } from "./summary-stat.js";

const statOf = (values: readonly number[]) => {
  const stat = new SummaryStat();
  for (const v of values) stat.add(v);
  return stat;
};

describe("SummaryStat", () => {
  it("has no statistics without samples", () => {
    const stat = new SummaryStat();
    expect(stat.count).toBe(0);
    expect(stat.mean).toBeNaN();
    expect(stat.stddev).toBeNaN();
    expect(stat.percentile(50)).toBeNaN();
  });

  it("computes the population standard deviation, as the reference's accumulator", () => {
    const stat = statOf([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stat.mean).toBe(5);
    expect(stat.stddev).toBe(2); // the sample deviation would be 2.138
    expect(stat.min).toBe(2);
    expect(stat.max).toBe(9);
  });

  it("gives nearest-rank percentiles whatever the order of the samples", () => {
    const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1); // 1..100 shuffled
    const stat = statOf(values);
    expect(stat.count).toBe(100);
    expect(stat.mean).toBeCloseTo(50.5, 12);
    expect(stat.stddev).toBeCloseTo(Math.sqrt((100 * 100 - 1) / 12), 12);
    expect([50, 90, 99, 100].map((p) => stat.percentile(p))).toEqual([50, 90, 99, 100]);
  });

  it("keeps percentiles right when samples arrive after one was asked", () => {
    const stat = statOf([3, 1, 2]);
    expect(stat.percentile(100)).toBe(3);
    stat.add(0.5);
    stat.add(10);
    expect(stat.percentile(20)).toBe(0.5);
    expect(stat.percentile(100)).toBe(10);
    expect(stat.percentile(50)).toBe(2);
  });

  it("gives the single sample for every percentile, with no deviation", () => {
    const stat = statOf([0.25]);
    expect([stat.percentile(50), stat.percentile(99), stat.stddev]).toEqual([0.25, 0.25, 0]);
  });
});
