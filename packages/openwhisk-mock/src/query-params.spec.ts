import { describe, expect, it } from "vitest";
import { booleanParam, epochParam, limitParam, skipParam, timeoutParam } from "./query-params.js";

describe("query parameters", () => {
  it("reads booleans case-insensitively, with a default for absent or empty ones", () => {
    expect(booleanParam("blocking", "TRUE", false)).toEqual({ ok: true, value: true });
    expect(booleanParam("blocking", undefined, true)).toEqual({ ok: true, value: true });
    expect(booleanParam("blocking", "", false)).toEqual({ ok: true, value: false });
    expect(booleanParam("blocking", "1", false)).toEqual({
      ok: false,
      error: "The query parameter 'blocking' was malformed:\n'1' is not a valid Boolean value",
    });
  });

  it("defaults limit to 30, reads 0 as the maximum 200, refuses the rest", () => {
    expect(limitParam(undefined, "actions")).toEqual({ ok: true, value: 30 });
    expect(limitParam("0", "actions")).toEqual({ ok: true, value: 200 });
    expect(limitParam("200", "actions")).toEqual({ ok: true, value: 200 });
    expect(limitParam("abc", "actions")).toMatchObject({
      ok: false,
      error: expect.stringContaining("The value 'abc' is not an integer for actions."),
    });
    expect(limitParam("-1", "actions")).toMatchObject({ ok: false });
  });

  it("reads skip from 0 up", () => {
    expect(skipParam(undefined, "actions")).toEqual({ ok: true, value: 0 });
    expect(skipParam("400", "actions")).toEqual({ ok: true, value: 400 });
    expect(skipParam("1.5", "actions")).toMatchObject({ ok: false });
  });

  it("accepts blocking waits of 1..60000 ms only", () => {
    expect(timeoutParam(undefined)).toEqual({ ok: true, value: undefined });
    expect(timeoutParam("1")).toEqual({ ok: true, value: 1 });
    expect(timeoutParam("60000")).toEqual({ ok: true, value: 60000 });
    for (const bad of ["0", "60001", "1e3", "x"]) expect(timeoutParam(bad).ok).toBe(false);
  });

  it("reads epoch bounds", () => {
    expect(epochParam("since", "1714557600000")).toEqual({ ok: true, value: 1714557600000 });
    expect(epochParam("since", "yesterday").ok).toBe(false);
  });
});
