import type { IncomingHttpHeaders } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  codeFromHttpStatus,
  copyHeaders,
  errorFromTrailers,
  statusHeaders,
  toFetchHeaders,
} from "./grpc-status.js";

describe("statusHeaders and errorFromTrailers", () => {
  it("carry an error's code, message and metadata there and back", () => {
    const error = new ConnectError("nö: refused", Code.PermissionDenied, { "x-why": "token" });
    const block = statusHeaders(error);
    expect(block["grpc-status"]).toBe(String(Code.PermissionDenied));
    const back = errorFromTrailers(block as IncomingHttpHeaders);
    expect(back?.code).toBe(Code.PermissionDenied);
    expect(back?.rawMessage).toBe("nö: refused");
    expect(back?.metadata.get("x-why")).toBe("token");
  });

  it("reads status 0 as success and a block without a status as a protocol error", () => {
    expect(errorFromTrailers({ "grpc-status": "0" })).toBeUndefined();
    const missing = errorFromTrailers({ "x-other": "1" });
    expect(missing?.code).toBe(Code.Internal);
    expect(missing?.rawMessage).toBe("protocol error: missing grpc-status");
  });
});

describe("copyHeaders", () => {
  it("copies a handler's headers but never the ones the protocol owns", () => {
    const into: Record<string, string> = {};
    copyHeaders(
      new Headers({ "x-resp": "a", "grpc-status": "0", "content-type": "text/plain" }),
      into,
    );
    expect(into).toEqual({ "x-resp": "a" });
  });
});

describe("toFetchHeaders", () => {
  it("drops pseudo-headers and keeps repeated values", () => {
    const headers = toFetchHeaders({ ":status": "200", "x-a": ["1", "2"], "x-b": "3" });
    expect([...headers]).toEqual([
      ["x-a", "1, 2"],
      ["x-b", "3"],
    ]);
  });
});

describe("codeFromHttpStatus", () => {
  it.each([
    [400, Code.Internal],
    [401, Code.Unauthenticated],
    [403, Code.PermissionDenied],
    [404, Code.Unimplemented],
    [429, Code.Unavailable],
    [502, Code.Unavailable],
    [503, Code.Unavailable],
    [504, Code.Unavailable],
    [500, Code.Unknown],
  ])("maps HTTP %i as gRPC does", (status, code) => {
    expect(codeFromHttpStatus(status)).toBe(code);
  });
});
