import { describe, expect, it } from "vitest";
import {
  allUnreachableRetcode,
  LOOP_DETECTED,
  NO_DESTINATIONS,
  parseRouterRetcode,
  RETCODE_OK,
} from "./retcodes.js";

describe("router retcodes", () => {
  it("keeps the reference's texts", () => {
    expect(RETCODE_OK).toBe("OK");
    expect(NO_DESTINATIONS).toBe("No destinations found for the entry");
    expect(LOOP_DETECTED).toBe("loop detected");
  });

  it("reads back a missing entry, with or without a destination named", () => {
    expect(parseRouterRetcode(NO_DESTINATIONS)).toEqual({
      kind: "no-destinations",
      allUnreachable: false,
    });
    expect(parseRouterRetcode(`${NO_DESTINATIONS}: edge1:6473`)).toEqual({
      kind: "no-destinations",
      allUnreachable: false,
    });
  });

  it("reads back destinations that are all unreachable, for any lambda name", () => {
    const text = allUnreachableRetcode(NO_DESTINATIONS, 2, "/guest/it's: odd");
    expect(text).toBe(
      "No destinations found for the entry: all 2 destination(s) of '/guest/it's: odd' are unreachable",
    );
    expect(parseRouterRetcode(text)).toEqual({ kind: "no-destinations", allUnreachable: true });
  });

  it("reads back a loop, and nothing else", () => {
    expect(parseRouterRetcode(LOOP_DETECTED)).toEqual({ kind: "loop-detected" });
    expect(parseRouterRetcode("OK")).toBeUndefined();
    expect(parseRouterRetcode("wsk:not_found 404: nope")).toBeUndefined();
    expect(parseRouterRetcode("loop detected!")).toBeUndefined();
  });
});
