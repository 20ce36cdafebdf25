import { describe, expect, it } from "vitest";
import { LogCollector } from "./log-collector.js";
import { runOutcome } from "./run-outcome.js";

const limits = { timeoutMs: 3000, maxResultBytes: 64 };
const logs = () => new LogCollector(() => 0, 1000);

describe("runOutcome", () => {
  it("reads a plain object result as success, sized in characters", () => {
    expect(runOutcome("result", '{"payload":"Hello John"}', limits, logs())).toEqual({
      status: "success",
      result: { payload: "Hello John" },
      size: 24,
      timedOut: false,
      logs: [],
    });
  });

  it("reads an error key as an application error, but not in an array", () => {
    expect(runOutcome("result", '{"error":"Error message"}', limits, logs())).toMatchObject({
      status: "application error",
      size: 25,
    });
    expect(runOutcome("result", '[{"error":1}]', limits, logs()).status).toBe("success");
  });

  it("maps the runtime's failures to developer errors with its texts", () => {
    expect(runOutcome("threw", "Error: boom", limits, logs()).result).toEqual({
      error: "An error has occurred: Error: boom",
    });
    expect(runOutcome("init-failed", "SyntaxError: x", limits, logs())).toMatchObject({
      status: "action developer error",
      result: { error: "Initialization has failed due to: SyntaxError: x" },
    });
    expect(runOutcome("timeout", "", limits, logs())).toMatchObject({
      status: "action developer error",
      timedOut: true,
      result: { error: "The action exceeded its time limits of 3000 milliseconds." },
    });
  });

  it("marks only a shutdown as a whisk internal error", () => {
    expect(runOutcome("shutdown", "", limits, logs()).status).toBe("whisk internal error");
  });

  it("turns an oversized result into an application error, counting bytes", () => {
    const big = JSON.stringify({ text: "é".repeat(30) });
    expect(runOutcome("result", big, limits, logs()).result).toEqual({
      error: `The action produced a response that exceeded the allowed length: ${Buffer.byteLength(big)} > 64 bytes.`,
    });
  });
});
