import { EdgeServer } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { LeanHandlerContext } from "./grpc-handler-context.js";

const make = (deadline?: number) =>
  new LeanHandlerContext(
    EdgeServer,
    EdgeServer.method.runLambda,
    "http://127.0.0.1:6473/uiiit.rpc.EdgeServer/RunLambda",
    { ":path": "/uiiit.rpc.EdgeServer/RunLambda", "x-req": "r", te: "trailers" },
    deadline,
  );

describe("LeanHandlerContext", () => {
  it("describes a gRPC POST of its method", () => {
    const context = make();
    expect(context.requestMethod).toBe("POST");
    expect(context.protocolName).toBe("grpc");
    expect(context.method).toBe(EdgeServer.method.runLambda);
    expect(context.service).toBe(EdgeServer);
  });

  it("reads the request's headers without pseudo-headers", () => {
    const context = make();
    expect(context.requestHeader.get("x-req")).toBe("r");
    expect([...context.requestHeader.keys()]).toEqual(["te", "x-req"]);
    expect(context.requestHeader).toBe(context.requestHeader);
  });

  it("has no deadline unless the call set one, and counts down to it", () => {
    expect(make().timeoutMs()).toBeUndefined();
    const remaining = make(performance.now() + 60_000).timeoutMs() ?? 0;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(60_000);
  });

  it("aborts its signal whether it was read before or after the abort", () => {
    const early = make();
    const signal = early.signal;
    early.abort("client went away");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("client went away");

    const late = make();
    late.abort("deadline");
    late.abort("second reason is ignored");
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe("deadline");
  });

  it("keeps response headers and trailers a handler sets", () => {
    const context = make();
    expect(context.responseHeaders).toBeUndefined();
    context.responseHeader.set("x-resp", "h");
    context.responseTrailer.set("x-trail", "t");
    expect(context.responseHeaders?.get("x-resp")).toBe("h");
    expect(context.responseTrailers?.get("x-trail")).toBe("t");
    expect(context.values).toBe(context.values);
  });
});
