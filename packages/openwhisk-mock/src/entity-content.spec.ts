import { describe, expect, it } from "vitest";
import { parseActionContent, parsePackageContent } from "./entity-content.js";

describe("parseActionContent", () => {
  it("resolves nodejs kinds to the emulated runtime", () => {
    const parsed = parseActionContent({ exec: { kind: "nodejs:default", code: "x", main: "run" } });
    expect(parsed).toEqual({
      ok: true,
      value: {
        exec: { kind: "nodejs:20", code: "x", main: "run" },
        parameters: undefined,
        annotations: undefined,
        limits: undefined,
        publish: undefined,
      },
    });
  });

  it.each([
    [
      { exec: { kind: "blackbox", image: "x" } },
      "kind 'blackbox' is not supported by this mock (nodejs only)",
    ],
    [
      { exec: { kind: "nodejs:20", code: "UEsDBA==", binary: true } },
      "binary (zip) actions are not supported",
    ],
    [{ exec: { kind: "nodejs:20" } }, "'exec' needs 'code'"],
    [{ parameters: { a: 1 } }, "'parameters' must be an array of {key, value}"],
    [
      { limits: { timeout: 300_001 } },
      "Time limit 300001 milliseconds exceeds allowed threshold of 300000 milliseconds.",
    ],
    [{ limits: { memory: 64 } }, "Memory limit 64 MB below allowed threshold of 128 MB."],
    [{ limits: { timeout: 1.5 } }, "Time limit must be an integer"],
    [{ publish: "yes" }, "'publish' must be a boolean"],
  ])("refuses %j", (body, detail) => {
    const parsed = parseActionContent(body as Record<string, unknown>);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(detail);
    if (!parsed.ok)
      expect(parsed.error.startsWith("The request content was malformed:\n")).toBe(true);
  });

  it("keeps given limits and leaves the others to the store", () => {
    expect(parseActionContent({ limits: { timeout: 100 } })).toMatchObject({
      value: { limits: { timeout: 100, memory: undefined } },
    });
  });
});

describe("parsePackageContent", () => {
  it("accepts a plain package and refuses bindings", () => {
    expect(parsePackageContent({ binding: {}, publish: true })).toMatchObject({
      ok: true,
      value: { publish: true },
    });
    expect(parsePackageContent({ binding: { namespace: "whisk.system", name: "utils" } }).ok).toBe(
      false,
    );
  });
});
