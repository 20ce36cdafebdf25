import { create } from "@bufbuild/protobuf";
import { createRouterTransport, type HandlerContext } from "@connectrpc/connect";
import { EdgeServer, LambdaRequestSchema } from "@soe/proto";
import { mulberry32 } from "@soe/reference";
import { createLogger, recordSpansInMemory, type TransportPool } from "@soe/runtime";
import { ManualTime } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { tablesServing } from "../test/tables.js";
import { DestinationHealth } from "./destination-health.js";
import { DestinationLimiter } from "./destination-limiter.js";
import { DestinationLoad } from "./destination-load.js";
import { LambdaForwarder, RUN_LAMBDA_SPAN } from "./lambda-forwarder.js";
import { RetryBudget } from "./retry-budget.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

/** A forwarder whose destinations record the trace headers each call carried. */
function setup(retcode = "OK") {
  const time = new ManualTime();
  const seen: (string | null)[] = [];
  const transports = {
    get: (destination: string) =>
      createRouterTransport(({ service }) => {
        service(EdgeServer, {
          runLambda: (_request, context) => {
            seen.push(context.requestHeader.get("traceparent"));
            return { retcode, output: destination };
          },
        });
      }),
  } as unknown as TransportPool;
  const forwarder = new LambdaForwarder({
    tables: tablesServing("clambda0", ["a:6473"], { clock: time.clock, seed: 7 }),
    health: new DestinationHealth(time.clock, { initialMs: 500, maxMs: 30_000, jitter: 0 }),
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
    onEjected: () => {},
    policy: "least-latency-rif",
    logger: createLogger({ name: "test", level: "silent" }),
  });
  const run = (headers: Record<string, string>) =>
    forwarder.run(create(LambdaRequestSchema, { name: "clambda0", hops: 1, uuid: "act-1" }), {
      timeoutMs: () => undefined,
      signal: new AbortController().signal,
      requestHeader: new Headers(headers),
    } as unknown as HandlerContext);
  return { run, seen };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe("LambdaForwarder tracing", () => {
  it("adds nothing to a forwarded call when tracing is off", async () => {
    const s = setup();
    await s.run({ traceparent: `00-${TRACE}-${CALLER_SPAN}-01` });
    expect(s.seen).toEqual([null]);
  });

  it("makes one span per call under the caller's, and names it to the destination", async () => {
    const memory = recordSpansInMemory("edgerouter");
    stop = memory.stop;
    const s = setup();
    const reply = await s.run({ traceparent: `00-${TRACE}-${CALLER_SPAN}-01` });
    expect(reply.retcode).toBe("OK");
    const [span] = memory.spans();
    expect(span).toMatchObject({
      name: RUN_LAMBDA_SPAN,
      kind: "server",
      traceId: TRACE,
      parentSpanId: CALLER_SPAN,
      attributes: {
        "soe.lambda": "clambda0",
        "soe.hops": 1,
        "soe.policy": "least-latency-rif",
        "soe.destination": "a:6473",
        "soe.retcode": "OK",
        "soe.activation_id": "act-1",
        "soe.attempts": 1,
      },
      events: [{ name: "forward", attributes: { "soe.destination": "a:6473", "soe.attempt": 1 } }],
    });
    expect(s.seen).toEqual([`00-${TRACE}-${span?.spanId}-01`]);
  });

  it("records a lambda's own failure as its retcode, not as a failed span", async () => {
    const memory = recordSpansInMemory("edgerouter");
    stop = memory.stop;
    const s = setup("function failed");
    await s.run({});
    const [span] = memory.spans();
    expect(span?.attributes["soe.retcode"]).toBe("function failed");
    expect(span?.status).toBe("unset");
    expect(span?.parentSpanId).toBe("");
  });
});
