import { describe, expect, it } from "vitest";
import { mulberry32 } from "./seeded-random.js";

describe("mulberry32", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const seqA = Array.from({ length: 5 }, () => a());
    const seqB = Array.from({ length: 5 }, () => b());
    expect(seqA).toEqual(seqB);
  });

  it("differs between seeds", () => {
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });

  it("stays in [0, 1) and is roughly uniform", () => {
    const rng = mulberry32(7);
    const buckets = [0, 0, 0, 0];
    let outside = 0;
    for (let i = 0; i < 40_000; i++) {
      const x = rng();
      if (x < 0 || x >= 1) outside += 1;
      else buckets[Math.floor(x * 4)] = (buckets[Math.floor(x * 4)] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    for (const count of buckets) {
      expect(count).toBeGreaterThan(9_500);
      expect(count).toBeLessThan(10_500);
    }
  });
});
