import { describe, expect, it } from "vitest";
import { type CallOutcome, callStats, routedCalls } from "./routing-call-stats.js";

const ok = (atMs: number, latencyMs: number, responder: string, waited = false): CallOutcome => ({
  atMs,
  latencyMs,
  responder,
  error: undefined,
  waited,
});
const failed = (atMs: number, error: string): CallOutcome => ({
  atMs,
  latencyMs: Number.NaN,
  responder: "",
  error,
  waited: false,
});

describe("callStats", () => {
  const computers = ["127.0.0.1:1", "127.0.0.1:2"];
  const calls = [
    ok(50, 1000, "127.0.0.1:1"), // warm-up: not counted
    ok(100, 10, "127.0.0.1:1"),
    ok(200, 30, "127.0.0.1:2", true),
    failed(300, "deadline exceeded"),
    ok(400, 20, "127.0.0.1:1"),
    ok(500, 40, "127.0.0.1:1"),
    ok(1000, 1000, "127.0.0.1:2"), // after the window
  ];

  it("summarises the calls that arrived in the window only", () => {
    const stats = callStats(calls, { fromMs: 100, toMs: 1000 }, computers);
    expect(stats).toMatchObject({
      arrivals: 5,
      answered: 4,
      failed: 1,
      firstError: "deadline exceeded",
      waited: 1,
      meanMs: 25,
      p50Ms: 20,
      p99Ms: 40,
      maxMs: 40,
      shares: [0.75, 0.25],
    });
  });

  it("has no latency and no split when nothing was answered", () => {
    const stats = callStats([failed(10, "x")], { fromMs: 0, toMs: 100 }, computers);
    expect(stats.answered).toBe(0);
    expect(stats.meanMs).toBeNaN();
    expect(stats.shares.every(Number.isNaN)).toBe(true);
  });
});

describe("routedCalls", () => {
  it("keeps the answered calls with the index of their computer, by arrival", () => {
    const calls = [ok(20, 1, "b"), failed(10, "x"), ok(5, 1, "a"), ok(30, 1, "elsewhere")];
    expect(routedCalls(calls, ["a", "b"])).toEqual([
      { atMs: 5, computer: 0 },
      { atMs: 20, computer: 1 },
    ]);
  });
});
