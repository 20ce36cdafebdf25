import { describe, expect, it } from "vitest";
import { compareText } from "./text-order.js";

describe("compareText", () => {
  it("orders by code units, as std::map<std::string> does: upper case before lower case", () => {
    expect(["b", "a", "B", "_", "A", "10", "9"].sort(compareText)).toEqual([
      "10",
      "9",
      "A",
      "B",
      "_",
      "a",
      "b",
    ]);
  });

  it("puts a prefix first, and is 0 only for equal strings", () => {
    expect(compareText("host:6473", "host:64730")).toBe(-1);
    expect(compareText("host:64730", "host:6473")).toBe(1);
    expect(compareText("x", "x")).toBe(0);
  });

  it("ignores the locale: é after z", () => {
    expect(["é", "z", "e"].sort(compareText)).toEqual(["e", "z", "é"]);
  });
});
