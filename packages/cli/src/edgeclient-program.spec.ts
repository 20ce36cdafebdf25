import { parseOptions } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { edgeClientProgram, edgeClientSettings } from "./edgeclient-program.js";

function settingsOf(...argv: string[]) {
  const parsed = parseOptions(edgeClientProgram, argv, {});
  if (parsed.kind !== "ok")
    throw new Error(`${parsed.kind}: ${"message" in parsed ? parsed.message : ""}`);
  return edgeClientSettings(parsed.values);
}

describe("edgeclient options", () => {
  // reference §8.2 (docs/example.md): the client command of the single-host example
  it("accepts the reference documentation's command, prefixes included", () => {
    const settings = settingsOf(
      "--lambda",
      "clambda0",
      "--server",
      "127.0.0.1:6473",
      "--inter-request-time",
      "1",
      "--max-requests",
      "5",
    );
    expect(settings).toMatchObject({
      serverEndpoints: ["127.0.0.1:6473"],
      lambda: "clambda0",
      interRequestSeconds: 1,
      interRequestType: "constant",
      maxRequests: 5,
      numThreads: 1,
      sizes: [100],
      content: "",
      dry: false,
      durationSeconds: 0,
      seed: 0,
      rate: undefined,
      transport: { defaultTimeoutMs: 60_000 },
    });
  });

  it("has the reference's defaults: localhost:6473, clambda0, size 100, unlimited requests", () => {
    expect(settingsOf()).toMatchObject({
      serverEndpoints: ["localhost:6473"],
      lambda: "clambda0",
      sizes: [100],
      maxRequests: Number.POSITIVE_INFINITY,
    });
  });

  it("reads sizes, several end-points and the persistence of the multi-destination client", () => {
    const settings = settingsOf("--size", "100,1000,100", "--server-endpoints", "a:1,b:2,a:1");
    expect(settings.sizes).toEqual([100, 1000, 100]);
    expect(settings.serverEndpoints).toEqual(["a:1", "b:2"]);
    expect(settings.persistence).toBe(0.05);
  });

  it("fixes the reference's default client conf, whose stray space broke multi-destination", () => {
    expect(() =>
      settingsOf("--server-endpoints", "a:1,b:2", "--client-conf", "type=grpc, persistence=0.05"),
    ).toThrow("invalid --client-conf: No value found for key: persistence");
  });

  it.each([
    [["--sizes", "100,x"], "Invalid --sizes option"],
    [["--sizes", ""], "Invalid --sizes option"],
    [["--inter-request-type", "gauss"], "Invalid distribution type: gauss"],
    [["--num-threads", "0"], "--num-threads must be at least 1"],
    [["--client-conf", "type=quic"], "unsupported client type 'quic' (only grpc)"],
    [
      ["--server-endpoints", "a:1,b:1", "--client-conf", "type=grpc,persistence=2"],
      "cannot be < 0 or > 1",
    ],
    [["--rate", "0"], "--rate must be positive"],
    [["--rate", "10", "--num-threads", "2"], "--rate excludes --num-threads"],
    [["--rate", "10", "--inter-request-time", "1"], "--rate excludes --inter-request-time"],
    [["--rate", "10", "--server-endpoints", "a:1,b:1"], "--rate takes a single server end-point"],
  ])("rejects %j", (argv, message) => {
    expect(() => settingsOf(...argv)).toThrow(message);
  });

  it("finds --inter-request ambiguous, as boost did", () => {
    const parsed = parseOptions(edgeClientProgram, ["--inter-request", "1"], {});
    expect(parsed).toMatchObject({ kind: "error", message: expect.stringContaining("ambiguous") });
  });
});

describe("edgeclient --traceparent", () => {
  const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const settingsWith = (argv: string[], env: Record<string, string>) => {
    const parsed = parseOptions(edgeClientProgram, argv, {});
    if (parsed.kind !== "ok") throw new Error(parsed.kind);
    return edgeClientSettings(parsed.values, env);
  };

  it("continues the given trace, from the option or else from TRACEPARENT", () => {
    expect(settingsWith(["--traceparent", parent, "--tracestate", "k=v"], {}).traceParent).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      sampled: true,
      traceState: "k=v",
    });
    expect(settingsWith([], { TRACEPARENT: parent }).traceParent?.spanId).toBe("00f067aa0ba902b7");
    expect(settingsWith([], {}).traceParent).toBeUndefined();
  });

  it("refuses a malformed traceparent as a usage error", () => {
    expect(() => settingsWith(["--traceparent", "00-nope"], {})).toThrow(/invalid --traceparent/);
    expect(() => settingsWith([], { TRACEPARENT: "x" })).toThrow(/invalid TRACEPARENT/);
  });
});
