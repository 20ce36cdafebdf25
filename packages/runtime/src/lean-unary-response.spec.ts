import type { IncomingHttpHeaders } from "node:http2";
import { EdgeServer } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { LeanUnaryResponse } from "./lean-unary-response.js";

const method = EdgeServer.method.runLambda;

describe("LeanUnaryResponse", () => {
  it("describes a unary response of the method's service", () => {
    const response = new LeanUnaryResponse(method, {}, undefined, { output: "x" });
    expect(response.stream).toBe(false);
    expect(response.method).toBe(method);
    expect(response.service).toBe(EdgeServer);
    expect(response.message).toEqual({ output: "x" });
  });

  it("turns the raw header block into Fetch headers, without pseudo-headers, once", () => {
    const response = new LeanUnaryResponse(
      method,
      {
        ":status": 200,
        "content-type": "application/grpc",
        "x-resp": "a",
      } as unknown as IncomingHttpHeaders,
      { "grpc-status": "0", "x-trail": ["b", "c"] },
      {},
    );
    expect([...response.header]).toEqual([
      ["content-type", "application/grpc"],
      ["x-resp", "a"],
    ]);
    expect(response.header).toBe(response.header);
    expect(response.trailer.get("x-trail")).toBe("b, c");
    expect(response.trailer.get("grpc-status")).toBe("0");
  });

  it("has empty trailers when the response had none of its own", () => {
    const response = new LeanUnaryResponse(method, { "grpc-status": "0" }, undefined, {});
    expect([...response.trailer]).toEqual([]);
  });
});
