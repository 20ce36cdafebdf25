import { Code, ConnectError } from "@connectrpc/connect";
import { EdgeComputer } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import {
  formatUtilizationSample,
  runUtilizationClient,
  type UtilizationClientOptions,
} from "../src/utilization-client.js";
import { collectors, deadEndpoint, serveFake } from "./fixtures.js";

/** A computer whose every subscription streams `samples`, then ends or fails. */
async function fakeComputer(samples: Record<string, number>[], end: "end" | "fail" = "end") {
  let subscriptions = 0;
  const server = await serveFake((router) =>
    router.service(EdgeComputer, {
      async *streamUtil() {
        subscriptions++;
        for (const values of samples) yield { values };
        if (end === "fail") throw new ConnectError("sampler stopped", Code.Unavailable);
      },
    }),
  );
  return { endpoint: server.endpoint, subscriptions: () => subscriptions };
}

function options(serverEndpoint: string, more: Partial<UtilizationClientOptions> = {}) {
  return { serverEndpoint, reconnect: false, transport: {}, ...more };
}

const fast = { initialMs: 10, maxMs: 10 };

describe("formatUtilizationSample", () => {
  // reference §5.4: "<seconds since start> <processor> <util with 6 decimals>"
  it("prints one line per processor, by name, utilization with 6 decimals", () => {
    expect(formatUtilizationSample(1.0012345, { bm2837: Math.fround(0.05), arm: 1 })).toBe(
      "1.00123 arm 1.000000\n1.00123 bm2837 0.050000\n",
    );
  });
});

describe("edgecomputerclient", () => {
  it("prints every sample of the stream, and exits 0 when it ends", async () => {
    const computer = await fakeComputer([
      { arm: 0.25, bm2837: 0.5 },
      { arm: 0.75, bm2837: 0 },
    ]);
    const io = collectors();
    let now = 0;
    const clock = () => (now += 500); // start at 500, then one sample each 0.5 s
    expect(await runUtilizationClient(options(computer.endpoint), { ...io, clock })).toBe(0);
    expect(io.out.text).toBe(
      "0.5 arm 0.250000\n0.5 bm2837 0.500000\n1 arm 0.750000\n1 bm2837 0.000000\n",
    );
    expect(io.err.text).toBe("");
  });

  it("re-subscribes when the stream ends, until max-samples", async () => {
    const computer = await fakeComputer([{ cpu: 0.1 }, { cpu: 0.2 }]);
    const io = collectors();
    const run = options(computer.endpoint, { reconnect: true, maxSamples: 5 });
    expect(await runUtilizationClient(run, { ...io, backoff: fast })).toBe(0);
    expect(io.out.lines().map((line) => line.split(" ").slice(1).join(" "))).toEqual([
      "cpu 0.100000",
      "cpu 0.200000",
      "cpu 0.100000",
      "cpu 0.200000",
      "cpu 0.100000",
    ]);
    expect(computer.subscriptions()).toBe(3);
  });

  it("exits 1 with the error when the stream fails and reconnection is off", async () => {
    const computer = await fakeComputer([{ cpu: 0.5 }], "fail");
    const io = collectors();
    expect(await runUtilizationClient(options(computer.endpoint), io)).toBe(1);
    expect(io.out.lines()).toHaveLength(1);
    expect(io.err.text).toBe(
      `edgecomputerclient: StreamUtil on ${computer.endpoint} failed: [unavailable] sampler stopped\n`,
    );
  });

  it("keeps retrying an unreachable computer until stopped, then exits 0", async () => {
    const endpoint = await deadEndpoint();
    const io = collectors();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
    const run = options(endpoint, { reconnect: true });
    expect(
      await runUtilizationClient(run, { ...io, logger, signal: stop.signal, backoff: fast }),
    ).toBe(0);
    expect(io.out.text).toBe("");
    expect(warnings.length).toBeGreaterThan(2);
    expect(new Set(warnings)).toEqual(new Set(["utilization stream interrupted, reconnecting"]));
  });
});
