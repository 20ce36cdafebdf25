import { describe, expect, it } from "vitest";
import { parseLabels } from "./labels.js";

describe("parseLabels", () => {
  it("reads comma-separated key=value pairs verbatim", () => {
    expect(parseLabels("zone=eu-west,tier=edge,gpu=no")).toEqual({
      ok: true,
      labels: { zone: "eu-west", tier: "edge", gpu: "no" },
    });
  });

  it("takes empty text as no labels", () => {
    expect(parseLabels("")).toEqual({ ok: true, labels: {} });
  });

  it("keeps an equals sign inside a value", () => {
    expect(parseLabels("expr=a=b")).toEqual({ ok: true, labels: { expr: "a=b" } });
  });

  it.each([
    ["zone", "not key=value"],
    ["=eu", "label key ''"],
    ["zone=", "needs a value"],
    ["zone=a,zone=b", "given twice"],
    ["zone=a,", "not key=value"],
    ["-zone=a", "label key '-zone'"],
    ["a b=c", "label key 'a b'"],
  ])("refuses %j", (text, reason) => {
    const parsed = parseLabels(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it("does not let a key named like an Object member through as something else", () => {
    const parsed = parseLabels("constructor=x,toString=y");
    expect(parsed).toEqual({ ok: true, labels: { constructor: "x", toString: "y" } });
  });
});
