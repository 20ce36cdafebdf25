import {
  Code,
  ConnectError,
  createRouterTransport,
  type HandlerContext,
} from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { EdgeServer, LambdaRequestSchema } from "@soe/proto";
import { mulberry32 } from "@soe/reference";
import { createLogger, type TransportPool } from "@soe/runtime";
import { ManualTime } from "@soe/testing";
import { describe, expect, it, vi } from "vitest";
import { DestinationHealth } from "./destination-health.js";
import { DestinationLimiter } from "./destination-limiter.js";
import { DestinationLoad } from "./destination-load.js";
import { LambdaForwarder, type LambdaForwarderOptions, LOOP_DETECTED } from "./lambda-forwarder.js";
import { RetryBudget } from "./retry-budget.js";
import { tablesServing } from "../test/tables.js";

type Destination = (name: string) => Promise<{ retcode: string; output?: string }>;

/**
 * A forwarder on manual time whose destinations answer in memory (no sockets): each
 * destination's `runLambda` is `behaviour(destination)`.
 */
function setup(
  behaviour: (destination: string) => Destination,
  overrides: Partial<LambdaForwarderOptions> = {},
) {
  const time = new ManualTime();
  const tables = tablesServing("clambda0", ["a:6473", "b:6473"], { clock: time.clock, seed: 7 });
  const health = new DestinationHealth(time.clock, { initialMs: 500, maxMs: 30_000, jitter: 0 });
  const transports = {
    get: (destination: string) =>
      createRouterTransport(({ service }) => {
        service(EdgeServer, { runLambda: (request) => behaviour(destination)(request.name) });
      }),
  } as unknown as TransportPool;
  const ejected: string[] = [];
  const forwarder = new LambdaForwarder({
    tables,
    health,
    load: new DestinationLoad(time.clock),
    limiter: new DestinationLimiter(10),
    budget: new RetryBudget({ ratio: 0.2, clock: time.clock }),
    transports,
    timeoutMs: 1_000,
    forwardDelay: { min: 0, max: 0 },
    fake: false,
    rng: mulberry32(1),
    clock: time.clock,
    schedule: time.schedule,
    onEjected: (destination) => ejected.push(destination),
    logger: createLogger({ name: "test", level: "silent" }),
    ...overrides,
  });
  const context = {
    timeoutMs: () => undefined,
    signal: new AbortController().signal,
  } as unknown as HandlerContext;
  const run = (hops = 0) =>
    forwarder.run(create(LambdaRequestSchema, { name: "clambda0", hops, forward: false }), context);
  return { time, tables, health, ejected, run };
}

describe("LambdaForwarder", () => {
  it("learns each call's latency on the router's clock", async () => {
    let time: ManualTime | undefined;
    const s = setup(() => async () => {
      time?.advanceTo(time.now + 250);
      return { retcode: "OK", output: "done" };
    });
    time = s.time;
    const succeeded = vi.spyOn(s.tables, "succeeded");
    const reply = await s.run();
    expect(reply.retcode).toBe("OK");
    expect(succeeded).toHaveBeenCalledTimes(1);
    expect(succeeded.mock.calls[0]?.[3]).toBe(0.25);
  });

  it("fills the responder with the destination that served", async () => {
    const { run } = setup((destination) => async () => ({ retcode: "OK", output: destination }));
    const reply = await run();
    expect(reply.responder).toBe(reply.output);
    expect(["a:6473", "b:6473"]).toContain(reply.responder);
  });

  it("returns a lambda's own failure unchanged, learning and evicting nothing", async () => {
    const s = setup(() => async () => ({ retcode: "function failed" }));
    const succeeded = vi.spyOn(s.tables, "succeeded");
    const reply = await s.run();
    expect(reply.retcode).toBe("function failed");
    expect(succeeded).not.toHaveBeenCalled();
    expect(s.ejected).toEqual([]);
    expect(s.tables.rows(0)).toHaveLength(2);
  });

  it("ejects an unreachable destination and tells the controller once", async () => {
    const s = setup((destination) => async () => {
      if (destination === "b:6473") throw new ConnectError("connection lost", Code.Unavailable);
      return { retcode: "OK", output: destination };
    });
    for (let i = 0; i < 10; i++) {
      await s.run().catch((error: unknown) => {
        expect(ConnectError.from(error).code).toBe(Code.Unavailable);
      });
    }
    expect(s.ejected).toEqual(["b:6473"]);
    expect(s.tables.rows(0).map((row) => row.destination)).toEqual(["a:6473"]);
    expect(s.health.isEjected("b:6473")).toBe(true);
  });

  it("waits the forwarding delay on the injected scheduler, and counts it against the deadline", async () => {
    // A delay of 2 s (min = max) is past the 1 s deadline on the router's clock.
    const s = setup(() => async () => ({ retcode: "OK" }), { forwardDelay: { min: 2, max: 2 } });
    const reply = s.run();
    await vi.waitFor(() => expect(s.time.pending).toBe(1));
    expect(s.time.nextAt).toBe(2_000);
    s.time.advanceTo(2_000);
    await expect(reply).rejects.toMatchObject({ code: Code.DeadlineExceeded });
  });

  it("answers a looping request without forwarding it (reference §3.3)", async () => {
    const destination = vi.fn(async () => ({ retcode: "OK" }));
    const { run } = setup(() => destination);
    expect((await run(255)).retcode).toBe(LOOP_DETECTED);
    expect(destination).not.toHaveBeenCalled();
  });
});
