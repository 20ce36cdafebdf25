import { describe, expect, it } from "vitest";
import {
  formatWskRetcode,
  oneLine,
  parseWskRetcode,
  WskFailure,
} from "./lambda-outcome-retcode.js";

const ID = "0123456789abcdef0123456789abcdef";

describe("wsk retcode grammar", () => {
  it("formats outcome, status, activation id and detail in that order", () => {
    expect(
      formatWskRetcode({
        outcome: WskFailure.applicationError,
        status: 502,
        activationId: ID,
        detail: "application error",
      }),
    ).toBe(`wsk:application_error 502 ${ID}: application error`);
    expect(formatWskRetcode({ outcome: WskFailure.unreachable, detail: "refused" })).toBe(
      "wsk:unreachable: refused",
    );
    expect(formatWskRetcode({ outcome: WskFailure.accepted, status: 202, activationId: ID })).toBe(
      `wsk:accepted 202 ${ID}`,
    );
  });

  it("leaves out an activation id or status that does not fit, rather than mangling them", () => {
    expect(
      formatWskRetcode({ outcome: WskFailure.rejected, status: 42, activationId: "not-an-id" }),
    ).toBe("wsk:rejected");
  });

  it("keeps details on one short line", () => {
    expect(oneLine("  first\nsecond\r\n\tthird ")).toBe("first second third");
    const long = oneLine("x".repeat(1000));
    expect(long).toHaveLength(300);
    expect(long.endsWith("…")).toBe(true);
  });

  it("parses back what it formats, for every outcome", () => {
    for (const outcome of Object.values(WskFailure)) {
      const full = { outcome, status: 502, activationId: ID, detail: "a: b: c" };
      expect(parseWskRetcode(formatWskRetcode(full))).toEqual(full);
      expect(parseWskRetcode(formatWskRetcode({ outcome }))).toEqual({ outcome });
    }
  });

  it("tells an activation id starting with digits from a status", () => {
    const id = "200aaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    expect(parseWskRetcode(`wsk:accepted ${id}`)).toEqual({
      outcome: "accepted",
      activationId: id,
    });
    expect(parseWskRetcode(`wsk:accepted 202 ${id}`)).toEqual({
      outcome: "accepted",
      status: 202,
      activationId: id,
    });
  });

  it("does not parse OK, unknown outcomes, or other systems' texts", () => {
    expect(parseWskRetcode("OK")).toBeUndefined();
    expect(parseWskRetcode("wsk:exploded 500")).toBeUndefined();
    expect(parseWskRetcode("No destinations found for the entry")).toBeUndefined();
    expect(parseWskRetcode("unexpected HTTP response: 404")).toBeUndefined();
    expect(parseWskRetcode("wsk:not_found 404 trailing")).toBeUndefined();
  });
});
