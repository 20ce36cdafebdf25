import { describe, expect, it } from "vitest";
import { mergeParameters, waitAtMost } from "./invoker.js";

describe("mergeParameters", () => {
  it("lets the action's defaults override the package's, and the payload override both", () => {
    expect(
      mergeParameters(
        [
          { key: "a", value: "package" },
          { key: "b", value: "package" },
        ],
        [
          { key: "b", value: "action" },
          { key: "c", value: "action" },
        ],
        { c: "payload", d: "payload" },
      ),
    ).toEqual({ a: "package", b: "action", c: "payload", d: "payload" });
  });
});

describe("waitAtMost", () => {
  it("gives the value of a promise that settles in time", async () => {
    expect(await waitAtMost(Promise.resolve(7), 1000)).toBe(7);
  });

  it("gives undefined for a promise that does not", async () => {
    expect(await waitAtMost(new Promise(() => {}), 1)).toBeUndefined();
  });
});
