import { describe, expect, it } from "vitest";
import { RecentActivations } from "./recent-activations.js";

describe("RecentActivations", () => {
  it("maps a caller's id to OpenWhisk's, whatever the caller's case", () => {
    const recent = new RecentActivations();
    recent.remember("AB12", "ow-1");
    expect(recent.activationOf("ab12")).toBe("ow-1");
    expect(recent.activationOf("cd34")).toBeUndefined();
  });

  it("ignores calls without a caller's id", () => {
    const recent = new RecentActivations();
    recent.remember("", "ow-1");
    expect(recent.size).toBe(0);
  });

  it("forgets the oldest beyond its size; remembering again makes an id young", () => {
    const recent = new RecentActivations(2);
    recent.remember("a", "1");
    recent.remember("b", "2");
    recent.remember("a", "1'");
    recent.remember("c", "3");
    expect([recent.activationOf("a"), recent.activationOf("b"), recent.activationOf("c")]).toEqual([
      "1'",
      undefined,
      "3",
    ]);
  });

  it("refuses to keep nothing", () => {
    expect(() => new RecentActivations(0)).toThrow(RangeError);
  });
});
