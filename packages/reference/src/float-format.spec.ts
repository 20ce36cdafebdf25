import { describe, expect, it } from "vitest";
import { formatCppFloat } from "./float-format.js";

describe("formatCppFloat", () => {
  it.each([
    [1, "1"],
    [0.5, "0.5"],
    [99, "99"],
    [42, "42"],
    [0.106305, "0.106305"],
    // float32 weights carried on the wire print like the reference's `float`s (§8.2 example)
    [Math.fround(0.10894412), "0.108944"],
    [1 / 3, "0.333333"],
    [123456, "123456"],
    [1234567, "1.23457e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [99.99996, "100"],
    [999999.5, "1e+06"],
    [0, "0"],
    [-2.5, "-2.5"],
    [Number.POSITIVE_INFINITY, "inf"],
  ])("formats %d as %s", (value, text) => {
    expect(formatCppFloat(value)).toBe(text);
  });
});
