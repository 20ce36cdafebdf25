import { describe, expect, test } from "vitest";
import { SeededBytes } from "./seeded-bytes.js";

describe("SeededBytes", () => {
  test("the same seed gives the same stream, another seed another", () => {
    const a = new SeededBytes(7);
    const b = new SeededBytes("7");
    expect(a.bytes(100)).toEqual(b.bytes(100));
    expect(a.uint32()).toBe(b.uint32());
    expect(new SeededBytes(8).bytes(32)).not.toEqual(new SeededBytes(7).bytes(32));
  });

  test("choices stay in range", () => {
    const rng = new SeededBytes(1);
    for (let i = 0; i < 1000; i++) {
      const n = rng.below(7);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(7);
    }
    expect(rng.printable(50)).toMatch(/^[!-~]{50}$/);
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});
