import { create } from "@bufbuild/protobuf";
import { type LambdaResponse, LambdaResponseSchema } from "@soe/proto";
import { FakeClock } from "@soe/testing";
import { describe, expect, it, vi } from "vitest";
import { LambdaRequestFactory } from "./lambda-request-factory.js";
import { type LoopContext, runClosedLoop, runOpenLoop } from "./load-loops.js";
import { LoadReport } from "./load-report.js";
import type { LambdaCaller } from "./multi-destination-caller.js";
import { ArrivalSchedule, ClosedLoopPacer, gapSampler } from "./pacing.js";

const ok = (ptime = 20): LambdaResponse =>
  create(LambdaResponseSchema, { retcode: "OK", responder: "c:1", ptime, load1: 5, hops: 1 });

/** A loop on a fake clock: sleeping moves the clock, so every instant is exact. */
function fakeLoop(call: LambdaCaller, overrides: Partial<LoopContext> = {}) {
  const time = new FakeClock();
  const sleeps: number[] = [];
  let out = "";
  const report = new LoadReport({
    out: { write: (t: string) => (out += t) },
    clients: 2,
    lambda: "clambda0",
    dry: false,
  });
  const context: LoopContext = {
    call,
    requests: new LambdaRequestFactory({
      lambda: "clambda0",
      sizes: [100],
      content: "",
      dry: false,
      rng: Math.random,
    }),
    report,
    clock: time.clock,
    start: 0,
    sleep: async (ms) => {
      sleeps.push(ms);
      time.advance(ms);
    },
    stop: new AbortController().signal,
    cancel: new AbortController().signal,
    maxRequests: 3,
    ...overrides,
  };
  return { time, sleeps, report, context, output: () => out };
}

describe("runClosedLoop", () => {
  it("waits one gap, then paces requests on the schedule, one at a time", async () => {
    let loop: ReturnType<typeof fakeLoop> | undefined;
    const call: LambdaCaller = async () => {
      loop?.time.advance(30);
      return ok();
    };
    loop = fakeLoop(call);
    const pacer = new ClosedLoopPacer(gapSampler("constant", 100, Math.random));
    await runClosedLoop(loop.context, 1, pacer);
    // No wait after the last request: the client is done.
    expect(loop.sleeps).toEqual([100, 70, 70]);
    expect(loop.output()).toBe(
      "0.13 0.03 5 c:1 clambda0 1\n0.23 0.03 5 c:1 clambda0 1\n0.33 0.03 5 c:1 clambda0 1\n",
    );
    expect([loop.report.sent, loop.report.ok]).toEqual([3, 3]);
    expect(loop.report.summary(1)).toContain("client#1 latency 0.03 +- 0 p50 0.03");
  });

  it("ends the client at its first RPC failure, as the reference's thread", async () => {
    const call = vi
      .fn<LambdaCaller>()
      .mockResolvedValueOnce(ok())
      .mockRejectedValueOnce(new Error("[unavailable] connection refused"));
    const loop = fakeLoop(call, { maxRequests: 10 });
    await runClosedLoop(loop.context, 0, new ClosedLoopPacer(() => 0));
    expect(call).toHaveBeenCalledTimes(2);
    expect([loop.report.sent, loop.report.ok, loop.report.failed]).toEqual([2, 1, 1]);
    expect(loop.report.summary(1)).toContain(
      "1 error(s) occurred:\n  [unavailable] connection refused\n",
    );
  });

  it("neither prints nor measures a non-OK response, but goes on", async () => {
    const notOk = create(LambdaResponseSchema, { retcode: "no destinations" });
    const retcodes: string[] = [];
    const call = vi.fn<LambdaCaller>().mockResolvedValueOnce(notOk).mockResolvedValue(ok());
    const loop = fakeLoop(call, { onNotOk: (r) => retcodes.push(r) });
    await runClosedLoop(loop.context, 0, new ClosedLoopPacer(() => 0));
    expect(loop.output().split("\n").filter(Boolean)).toHaveLength(2);
    expect(retcodes).toEqual(["no destinations"]);
    expect(loop.report.summary(1)).toContain("requests sent 3, ok 2, not ok 1, failed 0");
  });

  it("reports how late it is when responses outlast the schedule", async () => {
    let loop: ReturnType<typeof fakeLoop> | undefined;
    const call: LambdaCaller = async () => {
      loop?.time.advance(1500);
      return ok();
    };
    loop = fakeLoop(call);
    const lags: number[] = [];
    await runClosedLoop(loop.context, 0, new ClosedLoopPacer(() => 100), (ms) => lags.push(ms));
    expect(lags).toEqual([1400, 2800]);
    expect(loop.sleeps).toEqual([100]);
  });

  it("sends nothing once stopped", async () => {
    const call = vi.fn<LambdaCaller>();
    const stopped = new AbortController();
    stopped.abort();
    const loop = fakeLoop(call, { stop: stopped.signal });
    await runClosedLoop(loop.context, 0, new ClosedLoopPacer(() => 0));
    expect(call).not.toHaveBeenCalled();
  });
});

describe("runOpenLoop", () => {
  it("sends at every arrival without waiting for responses", async () => {
    const held: ((r: LambdaResponse) => void)[] = [];
    const call: LambdaCaller = () => new Promise((resolve) => held.push(resolve));
    const loop = fakeLoop(call, { maxRequests: 4 });
    const run = runOpenLoop(loop.context, new ArrivalSchedule(() => 10, 0), 100);
    await vi.waitFor(() => expect(held).toHaveLength(4));
    expect(loop.time.now).toBe(40);
    for (const resolve of held) resolve(ok());
    await run;
    expect([loop.report.sent, loop.report.ok, loop.report.dropped]).toEqual([4, 4, 0]);
  });

  it("drops the arrivals that find every in-flight slot taken", async () => {
    const held: ((r: LambdaResponse) => void)[] = [];
    const call: LambdaCaller = () => new Promise((resolve) => held.push(resolve));
    const loop = fakeLoop(call, { maxRequests: 5 });
    const run = runOpenLoop(loop.context, new ArrivalSchedule(() => 10, 0), 2);
    await vi.waitFor(() => expect(loop.report.dropped).toBe(3));
    expect(held).toHaveLength(2);
    for (const resolve of held) resolve(ok());
    await run;
    expect([loop.report.sent, loop.report.ok, loop.report.dropped]).toEqual([2, 2, 3]);
    expect(loop.report.summary(1)).toContain(
      "requests sent 2, ok 2, not ok 0, failed 0, dropped 3",
    );
  });

  it("counts failures and keeps sending", async () => {
    const call = vi
      .fn<LambdaCaller>()
      .mockRejectedValueOnce(new Error("boom"))
      .mockResolvedValue(ok());
    const loop = fakeLoop(call, { maxRequests: 3 });
    await runOpenLoop(loop.context, new ArrivalSchedule(() => 10, 0), 10);
    expect([loop.report.sent, loop.report.ok, loop.report.failed]).toEqual([3, 2, 1]);
  });
});
