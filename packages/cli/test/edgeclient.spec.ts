import { setTimeout as sleep } from "node:timers/promises";
import { EdgeServer, type LambdaRequest } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { type EdgeClientSettings, runEdgeClient } from "../src/edge-client.js";
import { collectors, deadEndpoint, serveFake } from "./fixtures.js";

/**
 * A computer that records requests: OK with ptime 250 ms and load1 7, hops + 1, after
 * `delayMs`; lambda "broken" answers a non-OK retcode.
 */
async function fakeComputer(responder: string, delayMs = 0) {
  const requests: LambdaRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await serveFake((router) =>
    router.service(EdgeServer, {
      async runLambda(request) {
        requests.push(request);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          if (delayMs > 0) await sleep(delayMs);
          if (request.name === "broken") return { retcode: "no such lambda" };
          return { retcode: "OK", responder, ptime: 250, load1: 7, hops: request.hops + 1 };
        } finally {
          inFlight--;
        }
      },
    }),
  );
  return { endpoint: server.endpoint, requests, maxInFlight: () => maxInFlight };
}

function settings(endpoints: string[], more: Partial<EdgeClientSettings> = {}): EdgeClientSettings {
  return {
    serverEndpoints: endpoints,
    persistence: 0.05,
    lambda: "clambda0",
    sizes: [100],
    content: "",
    dry: false,
    durationSeconds: 0,
    maxRequests: 5,
    numThreads: 1,
    initialDelaySeconds: 0,
    interRequestSeconds: 0,
    interRequestType: "constant",
    seed: 0,
    rate: undefined,
    maxInFlight: 1000,
    transport: { defaultTimeoutMs: 5000 },
    ...more,
  };
}

/** The numbers of the summary's closing lines. */
function summaryOf(err: string) {
  const latency = /^latency (\S+) \+- (\S+) p50 (\S+) p90 (\S+) p99 (\S+)$/m.exec(err);
  const counts =
    /^requests sent (\d+), ok (\d+), not ok (\d+), failed (\d+), dropped (\d+) in (\S+) s/m.exec(
      err,
    );
  if (counts === null) throw new Error(`no summary in: ${err}`);
  const [sent, ok, notOk, failed, dropped] = counts.slice(1, 6).map(Number);
  return { latency: latency?.slice(1).map(Number), sent, ok, notOk, failed, dropped };
}

describe("edgeclient", () => {
  it("sends max-requests per thread and prints six-column lines and a consistent summary", async () => {
    const computer = await fakeComputer("c1");
    const io = collectors();
    const code = await runEdgeClient(settings([computer.endpoint], { numThreads: 2 }), io);
    expect(code).toBe(0);

    const lines = io.out.lines();
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      expect(line).toMatch(/^[\d.e+-]+ [\d.e+-]+ 7 c1 clambda0 1$/);
    }
    const latencies = lines.map((line) => Number(line.split(" ")[1]));
    const summary = summaryOf(io.err.text);
    expect(summary).toMatchObject({ sent: 10, ok: 10, notOk: 0, failed: 0, dropped: 0 });
    const [mean, , p50, p90, p99] = summary.latency ?? [];
    // The printed values have 6 significant digits: compare with a little slack.
    expect(mean).toBeGreaterThanOrEqual(Math.min(...latencies) * 0.9999);
    expect(mean).toBeLessThanOrEqual(Math.max(...latencies) * 1.0001);
    expect(p50).toBeLessThanOrEqual(p90 as number);
    expect(p90).toBeLessThanOrEqual(p99 as number);
    expect(p99).toBe(Math.max(...latencies));
    expect(io.err.text).toMatch(/^client#0 latency /m);
    expect(io.err.text).toMatch(/^processing 0.25 \+- 0 p50 0.25 p90 0.25 p99 0.25$/m);

    // Requests as a client builds them (reference §1.7).
    expect(computer.requests).toHaveLength(10);
    for (const request of computer.requests) {
      expect(request).toMatchObject({ name: "clambda0", hops: 0, forward: false, dry: false });
      expect(request.input).toHaveLength(100);
    }
    expect(new Set(computer.requests.map((r) => r.uuid)).size).toBe(10);
  });

  it("prints the processing time with --dry", async () => {
    const computer = await fakeComputer("c1");
    const io = collectors();
    await runEdgeClient(settings([computer.endpoint], { dry: true, maxRequests: 2 }), io);
    expect(io.out.lines().map((line) => line.split(" ").slice(1).join(" "))).toEqual([
      "0.25 7 c1 clambda0 1",
      "0.25 7 c1 clambda0 1",
    ]);
    expect(computer.requests.every((r) => r.dry)).toBe(true);
  });

  it("counts non-OK responses without printing them", async () => {
    const computer = await fakeComputer("c1");
    const io = collectors();
    const code = await runEdgeClient(settings([computer.endpoint], { lambda: "broken" }), io);
    expect(code).toBe(0);
    expect(io.out.text).toBe("");
    expect(summaryOf(io.err.text)).toMatchObject({ sent: 5, ok: 0, notOk: 5, latency: undefined });
  });

  it("ends a thread at an RPC failure and exits 1 with the error", async () => {
    const endpoint = await deadEndpoint();
    const io = collectors();
    const code = await runEdgeClient(settings([endpoint], { numThreads: 2 }), io);
    expect(code).toBe(1);
    expect(summaryOf(io.err.text)).toMatchObject({ sent: 2, ok: 0, failed: 2 });
    expect(io.err.text).toMatch(/^2 error\(s\) occurred:\n {2}\[unavailable\] .* \(2 times\)$/m);
  });

  it("offers about rate × duration requests in the open loop", async () => {
    const computer = await fakeComputer("c1");
    const io = collectors();
    const code = await runEdgeClient(
      settings([computer.endpoint], {
        rate: 100,
        durationSeconds: 1,
        maxRequests: Number.POSITIVE_INFINITY,
        interRequestType: "poisson",
      }),
      io,
    );
    expect(code).toBe(0);
    const summary = summaryOf(io.err.text);
    expect(summary.sent).toBeGreaterThan(50);
    expect(summary.sent).toBeLessThan(170);
    expect(summary).toMatchObject({ ok: summary.sent, dropped: 0 });
    expect(io.out.lines()).toHaveLength(summary.sent as number);
  });

  it("drops open-loop arrivals beyond max-in-flight and counts them", async () => {
    // Responses come long after the end of the run: no slot frees up while arrivals go on.
    const computer = await fakeComputer("c1", 800);
    const io = collectors();
    await runEdgeClient(
      settings([computer.endpoint], {
        rate: 100,
        maxInFlight: 3,
        durationSeconds: 0.2,
        maxRequests: Number.POSITIVE_INFINITY,
      }),
      io,
    );
    const summary = summaryOf(io.err.text);
    expect(computer.maxInFlight()).toBeLessThanOrEqual(3);
    expect(summary.sent).toBe(3);
    expect(summary.dropped).toBeGreaterThan(5); // about 17 of the 20 arrivals
    expect(summary.ok).toBe(3);
  });

  it("prints the summary so far when interrupted, abandoning the calls in flight", async () => {
    const computer = await fakeComputer("c1", 20);
    const io = collectors();
    const interrupt = new AbortController();
    const run = runEdgeClient(
      settings([computer.endpoint], { maxRequests: Number.POSITIVE_INFINITY }),
      { ...io, interrupt: interrupt.signal },
    );
    while (io.out.lines().length < 3) await sleep(10);
    interrupt.abort();
    expect(await run).toBe(0);
    const summary = summaryOf(io.err.text);
    expect(summary.ok).toBeGreaterThanOrEqual(3);
    expect(summary.ok).toBe(io.out.lines().length);
    expect(summary.failed).toBe(0);
  });

  it("calls every destination with persistence 1 and names the first to answer", async () => {
    const [a, b] = [await fakeComputer(""), await fakeComputer("")];
    const io = collectors();
    await runEdgeClient(settings([a.endpoint, b.endpoint], { persistence: 1, maxRequests: 4 }), io);
    expect([a.requests.length, b.requests.length]).toEqual([4, 4]);
    for (const line of io.out.lines()) {
      expect([a.endpoint, b.endpoint]).toContain(line.split(" ")[3]);
    }
    expect(io.out.lines()).toHaveLength(4);
  });

  it("calls only the primary destination with persistence 0", async () => {
    const [a, b] = [await fakeComputer("a"), await fakeComputer("b")];
    const io = collectors();
    await runEdgeClient(settings([a.endpoint, b.endpoint], { persistence: 0, maxRequests: 3 }), io);
    expect([a.requests.length, b.requests.length]).toEqual([3, 0]);
    expect(io.out.lines().map((line) => line.split(" ")[3])).toEqual([
      a.endpoint,
      a.endpoint,
      a.endpoint,
    ]);
  });
});
