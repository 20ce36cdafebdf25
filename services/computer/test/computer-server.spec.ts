import { createClient } from "@connectrpc/connect";
import { EdgeComputer, EdgeServer } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ComputerServer, createComputerServer } from "../src/computer-server.js";
import { eventually, freePort, quietLogger } from "./helpers.js";
import { ManualTime } from "@soe/testing";

// Default raspberry profile: clambda0 on `arm` (4 cores, 4 workers), glambda0 on `bm2837`
// (1 core, 2 workers), both 1e11 ops/s per core. clambda0 needs 4e6 + 1e6·L ops, glambda0
// 1e6 + 1e6·L: with L = 20 000 bytes, ≈200 ms alone.
const INPUT_200MS = "A".repeat(20_000);

// The model runs on a hand-moved clock: a call completes when the test moves time past its
// model completion, so durations are asserted exactly and never measured on the wall clock.
let time: ManualTime;
let computer: ComputerServer;
let transport: EndpointTransport;
const lambdas = () => createClient(EdgeServer, transport);

/** Tasks in the model (running or waiting), once RPCs have reached it. */
const tasksIn = (c: ComputerServer) =>
  c.model.containers.reduce((n, k) => n + k.active.length + k.pending.length, 0);

/** Waits until `count` more tasks are in the model than `before`; fails the test otherwise. */
async function submitted(c: ComputerServer, before: number, count: number): Promise<void> {
  expect(await eventually(() => tasksIn(c) === before + count)).toBe(true);
}

/**
 * Moves `t` to 1 ms short of `ms` from now, where the model's `count` tasks still run, then to
 * 1 ms past it (the timer is armed to the next whole ms after a completion instant).
 */
function runFor(c: ComputerServer, t: ManualTime, ms: number, count: number): void {
  const start = t.now;
  t.advanceTo(start + ms - 1);
  expect(tasksIn(c)).toBe(count);
  t.advanceTo(start + ms + 1);
}

beforeAll(async () => {
  time = new ManualTime();
  computer = await createComputerServer({
    serverEndpoint: "127.0.0.1:0",
    utilizationPeriodMs: 100,
    clock: time.clock,
    schedule: time.schedule,
    logger: quietLogger(),
  });
  transport = createTransport(computer.serverEndpoint);
});
afterAll(async () => {
  transport.close();
  await computer.close();
});

describe("RunLambda on the simulated model", () => {
  test("a lambda sized to 200 ms completes when its 200 ms of model time have passed", async () => {
    const call = lambdas().runLambda({ name: "clambda0", input: INPUT_200MS, hops: 0 });
    await submitted(computer, 0, 1);
    runFor(computer, time, 200, 1);
    const response = await call;
    expect(tasksIn(computer)).toBe(0);
    expect(response.retcode).toBe("OK");
    expect(response.output).toBe(INPUT_200MS);
    expect(response.ptime).toBe(200);
    expect(response.hops).toBe(1);
    expect(response.responder).toBe("");
  });

  test("two calls at once on a one-core processor take twice as long as one", async () => {
    const alone = lambdas().runLambda({ name: "glambda0", input: INPUT_200MS });
    await submitted(computer, 0, 1);
    time.advanceTo(time.now + 201);
    expect((await alone).ptime).toBe(200);

    const both = Promise.all([
      lambdas().runLambda({ name: "glambda0", input: INPUT_200MS }),
      lambdas().runLambda({ name: "glambda0", input: INPUT_200MS }),
    ]);
    await submitted(computer, 0, 2);
    runFor(computer, time, 400, 2);
    const responses = await both;
    expect(responses.map((r) => r.retcode)).toEqual(["OK", "OK"]);
    expect(responses.map((r) => r.ptime)).toEqual([400, 400]);
  });

  test("two calls at once on a four-core processor do not slow each other", async () => {
    const both = Promise.all([
      lambdas().runLambda({ name: "clambda0", input: INPUT_200MS }),
      lambdas().runLambda({ name: "clambda0", input: INPUT_200MS }),
    ]);
    await submitted(computer, 0, 2);
    time.advanceTo(time.now + 201);
    expect((await both).map((r) => r.ptime)).toEqual([200, 200]);
  });

  test("dry calls return the model's estimate and run nothing", async () => {
    const idle = await lambdas().runLambda({
      name: "glambda0",
      input: INPUT_200MS,
      dry: true,
      hops: 3,
    });
    expect(idle).toMatchObject({ retcode: "OK", ptime: 200, output: "", hops: 4 });
    expect(computer.model.processors.every((p) => p.running === 0)).toBe(true);

    // with one call running, a second would share the core: the model estimates it at the
    // speed it would get now, half (reference §5.8)
    const running = lambdas().runLambda({ name: "glambda0", input: INPUT_200MS });
    await submitted(computer, 0, 1);
    time.advanceTo(time.now + 100);
    const busy = await lambdas().runLambda({ name: "glambda0", input: INPUT_200MS, dry: true });
    expect(busy.ptime).toBe(400);
    expect(tasksIn(computer)).toBe(1);
    time.advanceTo(time.now + 101);
    expect((await running).ptime).toBe(200);
  });

  test("an unknown lambda is a retcode naming the computer, with RPC status OK", async () => {
    const response = await lambdas().runLambda({ name: "nope", hops: 1 });
    expect(response.retcode).toBe(
      `invalid 'nope' request: No container for lambda nope found in computer computer@${computer.serverEndpoint}`,
    );
    expect(response.hops).toBe(2);
  });

  test("responses carry the processor's recent loads", async () => {
    const long = lambdas().runLambda({ name: "glambda0", input: "A".repeat(40_000) });
    await submitted(computer, 0, 1);
    time.advanceTo(time.now + 401);
    expect((await long).ptime).toBe(400);
    const after = lambdas().runLambda({ name: "glambda0", input: "A" });
    const other = lambdas().runLambda({ name: "clambda0", input: "A" });
    await submitted(computer, 0, 2);
    time.advanceTo(time.now + 1);
    expect((await after).load10).toBeGreaterThan(0);
    expect((await after).load30).toBeGreaterThan(0);
    expect((await other).load1).toBe(0);
  });
});

describe("StreamUtil", () => {
  test("a busy processor reports its share of time busy, an idle one 0", async () => {
    const client = createClient(EdgeComputer, transport);
    const abort = new AbortController();
    const samples: Record<string, number>[] = [];
    const reading = (async () => {
      for await (const u of client.streamUtil({}, { signal: abort.signal })) {
        samples.push({ ...u.values });
        if (samples.length === 6) abort.abort();
      }
    })().catch(() => {});
    expect(await eventually(() => computer.monitor.subscribers === 1)).toBe(true);
    // The sampler runs every 100 ms of model time from 0. The first sample covers the end of
    // earlier tests; the call starts on it, so the next five lie inside its busy second.
    time.advanceTo(Math.floor(time.now / 100) * 100 + 100);
    // glambda0 with 1e5 bytes: 1 s on bm2837; arm stays idle
    const running = lambdas().runLambda({ name: "glambda0", input: "A".repeat(100_000) });
    await submitted(computer, 0, 1);
    time.advanceTo(time.now + 500);
    await reading;
    expect(samples).toHaveLength(6);
    for (const sample of samples) expect(Object.keys(sample).sort()).toEqual(["arm", "bm2837"]);
    for (const sample of samples.slice(1)) {
      expect(sample.arm).toBe(0);
      expect(sample.bm2837).toBeCloseTo(1, 9);
    }
    time.advanceTo(time.now + 501);
    expect((await running).ptime).toBe(1_000);
  });

  test("stops sampling for a client that goes away", async () => {
    const client = createClient(EdgeComputer, transport);
    const abort = new AbortController();
    const reading = (async () => {
      for await (const _ of client.streamUtil({}, { signal: abort.signal })) abort.abort();
    })().catch(() => {});
    expect(await eventually(() => computer.monitor.subscribers === 1)).toBe(true);
    time.advanceTo(time.now + 100);
    await reading;
    expect(await eventually(() => computer.monitor.subscribers === 0)).toBe(true);
  });
});

describe("a separate --utilization-endpoint", () => {
  test("serves StreamUtil there as well as on the lambda port", async () => {
    const port = await freePort();
    const other = await createComputerServer({
      serverEndpoint: "127.0.0.1:0",
      utilizationEndpoint: `127.0.0.1:${port}`,
      utilizationPeriodMs: 50,
      conf: "type=intel-server,num-containers=1,num-workers=1",
      logger: quietLogger(),
    });
    expect(other.utilizationEndpoint).toBe(`127.0.0.1:${port}`);
    const t = createTransport(other.utilizationEndpoint);
    try {
      for await (const u of createClient(EdgeComputer, t).streamUtil({})) {
        expect(u.values).toEqual({ xeon: 0 });
        break;
      }
    } finally {
      t.close();
      await other.close();
    }
  });

  test("ends open streams when the computer closes", async () => {
    const other = await createComputerServer({
      serverEndpoint: "127.0.0.1:0",
      utilizationPeriodMs: 50,
      logger: quietLogger(),
    });
    const t = createTransport(other.serverEndpoint);
    let count = 0;
    const reading = (async () => {
      for await (const _ of createClient(EdgeComputer, t).streamUtil({})) count++;
    })();
    expect(await eventually(() => count > 0)).toBe(true);
    await other.close();
    // the stream ends with status OK (an error would reject here), and no sample follows
    await reading;
    const ended = count;
    other.monitor.sample();
    t.close();
    expect(other.monitor.subscribers).toBe(0);
    expect(count).toBe(ended);
  });
});

describe("reference §5.4 acceptance: intel-server, one container with one worker", () => {
  test("clambda0 with 1000 bytes takes 251 ms and keeps 1 of 20 cores busy (0.05)", async () => {
    const intelTime = new ManualTime();
    const intel = await createComputerServer({
      serverEndpoint: "127.0.0.1:0",
      conf: "type=intel-server,num-containers=1,num-workers=1",
      utilizationPeriodMs: 200,
      clock: intelTime.clock,
      schedule: intelTime.schedule,
      logger: quietLogger(),
    });
    const t = createTransport(intel.serverEndpoint);
    const samples: { at: number; xeon: number }[] = [];
    const unsubscribe = intel.monitor.subscribe((values) =>
      samples.push({ at: intelTime.now, xeon: values.get("xeon") ?? -1 }),
    );
    try {
      const client = createClient(EdgeServer, t);
      const input = "A".repeat(1000);
      for (let i = 0; i < 2; i++) {
        const call = client.runLambda({ name: "clambda0", input });
        await submitted(intel, 0, 1);
        runFor(intel, intelTime, 251, 1);
        expect(await call).toMatchObject({ retcode: "OK", output: input, ptime: 251 });
      }

      // Five calls at once queue behind the one worker: the processor is busy without a gap.
      intelTime.advanceTo(1_000);
      const batch = Promise.all(
        [1, 2, 3, 4, 5].map(() => client.runLambda({ name: "clambda0", input })),
      );
      await submitted(intel, 0, 5);
      expect(intel.model.containers[0]?.pending).toHaveLength(4);
      intelTime.advanceTo(1_000 + 5 * 251 + 1);
      // ptime counts pending time (§5.1): the k-th to run completes after 251·k
      const ptimes = (await batch).map((r) => r.ptime).sort((a, b) => a - b);
      expect(ptimes).toEqual([251, 502, 753, 1004, 1255]);
      // the samples from 1200 to 2200 cover whole intervals of the busy stretch (1000 to 2255)
      const inside = samples.filter((s) => s.at > 1_000 && s.at <= 1_000 + 5 * 251);
      expect(inside.map((s) => s.at)).toEqual([1_200, 1_400, 1_600, 1_800, 2_000, 2_200]);
      for (const sample of inside) expect(sample.xeon).toBeCloseTo(0.05, 9);
    } finally {
      unsubscribe();
      t.close();
      await intel.close();
    }
  });
});
