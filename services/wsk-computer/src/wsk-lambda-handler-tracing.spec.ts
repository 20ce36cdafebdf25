import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { InvokeOptions, InvokeOutcome } from "@soe/openwhisk";
import { LambdaRequestSchema } from "@soe/proto";
import { recordSpansInMemory } from "@soe/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { captureLogs } from "../test/log-capture.js";
import { RUN_LAMBDA_SPAN, WskLambdaHandler } from "./wsk-lambda-handler.js";

const ID = "0123456789abcdef0123456789abcdef";
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const ROUTER_SPAN = "00f067aa0ba902b7";

function setup() {
  const seen: (InvokeOptions | undefined)[] = [];
  const logs = captureLogs();
  const handler = new WskLambdaHandler({
    client: {
      invoke: async (_name, _params, options): Promise<InvokeOutcome> => {
        seen.push(options);
        return { kind: "result", status: 200, activationId: ID, body: { payload: "hi" } };
      },
    },
    responder: "OW1",
    timeoutMs: 60_000,
    logger: logs.logger,
  });
  const context = {
    timeoutMs: () => undefined,
    requestHeader: new Headers({ traceparent: `00-${TRACE}-${ROUTER_SPAN}-01` }),
  } as unknown as HandlerContext;
  const run = () =>
    handler.run(
      create(LambdaRequestSchema, { name: "/guest/copy", hops: 2, uuid: "act-1", input: "{}" }),
      context,
    );
  return { run, seen, logs };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe("WskLambdaHandler tracing", () => {
  it("sends OpenWhisk no trace header when tracing is off", async () => {
    const s = setup();
    await s.run();
    expect(s.seen[0]?.headers).toBeUndefined();
  });

  it("spans the call under the router's and sends OpenWhisk its traceparent", async () => {
    const memory = recordSpansInMemory("edgecomputerwsk");
    stop = memory.stop;
    const s = setup();
    const reply = await s.run();
    expect(reply.retcode).toBe("OK");
    const [span] = memory.spans();
    expect(span).toMatchObject({
      name: RUN_LAMBDA_SPAN,
      kind: "server",
      traceId: TRACE,
      parentSpanId: ROUTER_SPAN,
      attributes: {
        "soe.lambda": "/guest/copy",
        "soe.hops": 2,
        "soe.retcode": "OK",
        "soe.activation_id": "act-1",
        "soe.responder": "OW1",
        "openwhisk.activation_id": ID,
      },
    });
    expect(s.seen[0]?.headers).toEqual({ traceparent: `00-${TRACE}-${span?.spanId}-01` });
    const served = s.logs
      .text()
      .split("\n")
      .filter((line) => line.includes('"lambda served"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)[0];
    expect(served).toMatchObject({ traceId: TRACE, spanId: span?.spanId });
  });
});
