import { create } from "@bufbuild/protobuf";
import { LambdaRequestSchema, LambdaResponseSchema } from "@soe/proto";
import { recordSpansInMemory, remoteParentOf } from "@soe/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { type CallWithHeaders, RUN_LAMBDA_SPAN, tracedCaller } from "./traced-caller.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
const request = create(LambdaRequestSchema, { name: "clambda0" });

function recording(fail = false) {
  const seen: (Record<string, string> | undefined)[] = [];
  const call: CallWithHeaders = async (_request, _signal, headers) => {
    seen.push(headers);
    if (fail) throw new Error("unavailable");
    return create(LambdaResponseSchema, { retcode: "OK", hops: 2, responder: "c:1" });
  };
  return { call, seen };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe("tracedCaller", () => {
  const signal = new AbortController().signal;

  it("sends nothing with tracing off and no traceparent", async () => {
    const r = recording();
    await tracedCaller(r.call, "r:1", undefined)(request, signal);
    expect(r.seen).toEqual([undefined]);
  });

  it("passes a given traceparent on unchanged with tracing off", async () => {
    const r = recording();
    const parent = remoteParentOf(`00-${TRACE}-${SPAN}-01`, "k=v");
    await tracedCaller(r.call, "r:1", parent)(request, signal);
    expect(r.seen).toEqual([{ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "k=v" }]);
  });

  it("makes a client span per call under the given traceparent, named to the server", async () => {
    const memory = recordSpansInMemory("edgeclient");
    stop = memory.stop;
    const r = recording();
    await tracedCaller(r.call, "r:1", remoteParentOf(`00-${TRACE}-${SPAN}-01`))(request, signal);
    const [span] = memory.spans();
    expect(span).toMatchObject({
      name: RUN_LAMBDA_SPAN,
      kind: "client",
      traceId: TRACE,
      parentSpanId: SPAN,
      attributes: {
        "soe.lambda": "clambda0",
        "soe.retcode": "OK",
        "soe.hops": 2,
        "server.address": "r:1",
      },
    });
    expect(r.seen).toEqual([{ traceparent: `00-${TRACE}-${span?.spanId}-01` }]);
  });

  it("starts a root span per call without a traceparent, failed when the call fails", async () => {
    const memory = recordSpansInMemory("edgeclient");
    stop = memory.stop;
    const r = recording(true);
    await expect(tracedCaller(r.call, "r:1", undefined)(request, signal)).rejects.toThrow(
      "unavailable",
    );
    const [span] = memory.spans();
    expect(span?.parentSpanId).toBe("");
    expect(span?.status).toBe("error");
  });
});
