import { describe, expect, it } from "vitest";
import { booleanParam, epochParam, limitParam, skipParam, timeoutParam } from "./query-params.js";

describe("query parameters", () => {
  it("reads booleans case-insensitively, with the default when absent or empty", () => {
    expect(booleanParam("blocking", undefined, false)).toEqual({ ok: true, value: false });
    expect(booleanParam("blocking", "", true)).toEqual({ ok: true, value: true });
    expect(booleanParam("blocking", "TRUE", false)).toEqual({ ok: true, value: true });
    expect(booleanParam("result", "False", true)).toEqual({ ok: true, value: false });
    expect(booleanParam("blocking", "yes", false)).toEqual({
      ok: false,
      error: "The query parameter 'blocking' was malformed:\n'yes' is not a valid Boolean value",
    });
  });

  it("applies OpenWhisk's limit rules: 30 by default, 0 is the maximum, above 200 refused", () => {
    expect(limitParam(undefined, "actions")).toEqual({ ok: true, value: 30 });
    expect(limitParam("0", "actions")).toEqual({ ok: true, value: 200 });
    expect(limitParam("5", "actions")).toEqual({ ok: true, value: 5 });
    expect(limitParam("201", "actions")).toEqual({
      ok: false,
      error:
        "The query parameter 'limit' was malformed:\nThe value '201' is not in the range of 0 to 200 for actions.",
    });
    expect(limitParam("abc", "activations")).toEqual({
      ok: false,
      error:
        "The query parameter 'limit' was malformed:\nThe value 'abc' is not an integer for activations.",
    });
  });

  it("refuses negative or non-integer skips", () => {
    expect(skipParam("3", "actions")).toEqual({ ok: true, value: 3 });
    expect(skipParam("-1", "actions")).toEqual({
      ok: false,
      error:
        "The query parameter 'skip' was malformed:\nThe value '-1' is not greater than or equal to 0 for actions.",
    });
    expect(skipParam("1e3", "actions").ok).toBe(false);
  });

  it("accepts a blocking wait of 1..60000 ms only", () => {
    expect(timeoutParam(undefined)).toEqual({ ok: true, value: undefined });
    expect(timeoutParam("60000")).toEqual({ ok: true, value: 60000 });
    for (const bad of ["0", "60001", "1.5", "x", "-5"]) {
      expect(timeoutParam(bad)).toEqual({
        ok: false,
        error:
          "The query parameter 'timeout' was malformed:\nTimeout must be number of milliseconds up to 60000.",
      });
    }
  });

  it("reads epoch bounds and shortens long garbage in its texts", () => {
    expect(epochParam("since", "1714557600123")).toEqual({ ok: true, value: 1714557600123 });
    const refused = epochParam("upto", "x".repeat(1000));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.length).toBeLessThan(200);
  });
});
