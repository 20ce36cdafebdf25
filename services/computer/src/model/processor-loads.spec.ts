import { describe, expect, it } from "vitest";
import { loadPercent, ProcessorLoads, toLoads } from "./processor-loads.js";

describe("loads", () => {
  it("reports utilizations as floor(0.5 + 100·x) percent (reference §10, testlambda)", () => {
    expect(toLoads(0.2, 0.5, 0.1)).toEqual({ load1: 20, load10: 50, load30: 10 });
    expect(loadPercent(0.004)).toBe(0);
    expect(loadPercent(0.005)).toBe(1);
    expect(loadPercent(1)).toBe(100);
  });

  it("is all 0 before the first sample", () => {
    expect(new ProcessorLoads().loads).toEqual({ load1: 0, load10: 0, load30: 0 });
  });

  it("takes the last sample and the means of the last ≤10 and ≤30 samples", () => {
    const loads = new ProcessorLoads();
    loads.push(0.5);
    expect(loads.loads).toEqual({ load1: 50, load10: 50, load30: 50 });
    // 20 samples of 0, then 10 of 1: load10 = 1, load30 = 10/31 with the first 0.5 still in
    for (let i = 0; i < 19; i++) loads.push(0);
    for (let i = 0; i < 10; i++) loads.push(1);
    expect(loads.loads).toEqual({ load1: 100, load10: 100, load30: loadPercent(10.5 / 30) });
    loads.push(0);
    // the 0.5 has left the 30-sample window
    expect(loads.loads).toEqual({ load1: 0, load10: 90, load30: loadPercent(10 / 30) });
  });
});
