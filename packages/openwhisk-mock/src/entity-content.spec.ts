import { describe, expect, it } from "vitest";
import { parseMockAction } from "./entity-content.js";

describe("parseMockAction", () => {
  it("resolves nodejs kinds to the emulated runtime", () => {
    expect(parseMockAction({ exec: { kind: "nodejs:default", code: "x", main: "run" } })).toEqual({
      ok: true,
      value: { exec: { kind: "nodejs:20", code: "x", main: "run" } },
    });
  });

  it("takes zipped JavaScript and sequences", () => {
    const zip = Buffer.from("PK\u0003\u0004zip").toString("base64");
    expect(parseMockAction({ exec: { kind: "nodejs:18", code: zip, binary: true } })).toEqual({
      ok: true,
      value: { exec: { kind: "nodejs:20", code: zip, binary: true } },
    });
    expect(
      parseMockAction({ exec: { kind: "sequence", components: ["/guest/a", "/guest/b"] } }).ok,
    ).toBe(true);
  });

  it.each([
    [{ kind: "blackbox", image: "openwhisk/example" }, "blackbox"],
    [{ kind: "python:3.11", code: "def main(a): return a" }, "python:3.11"],
  ])("refuses what it cannot run: %j", (exec, kind) => {
    expect(parseMockAction({ exec })).toEqual({
      ok: false,
      error: `The request content was malformed:\nThe specified runtime '${kind}' is not supported by this platform. Valid values are: 'nodejs:20', 'sequence'.`,
    });
  });

  it("passes the generic refusals through", () => {
    expect(parseMockAction({ limits: { memory: 64 } })).toEqual({
      ok: false,
      error: "memory size 64 MB below allowed threshold of 128 MB",
    });
  });
});
