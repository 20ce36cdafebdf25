import { gzipSync } from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, test } from "vitest";
import { requestCompressions } from "./request-compression.js";

const gzip = requestCompressions.find((c) => c.name === "gzip");

async function codeOf(promise: Promise<unknown>): Promise<Code | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe("requestCompressions", () => {
  test("accept gzip and br", () => {
    expect(requestCompressions.map((c) => c.name)).toEqual(["gzip", "br"]);
  });

  test("a good body decompresses", async () => {
    const body = await gzip?.decompress(gzipSync(Buffer.from("hello")), 1024);
    expect(Buffer.from(body ?? []).toString()).toBe("hello");
  });

  test("a truncated or broken body is invalid_argument, not internal", async () => {
    const truncated = gzipSync(Buffer.from("hello world")).subarray(0, 12);
    expect(await codeOf(gzip?.decompress(truncated, 1024) ?? Promise.resolve())).toBe(
      Code.InvalidArgument,
    );
    const brotli = requestCompressions.find((c) => c.name === "br");
    expect(
      await codeOf(brotli?.decompress(Buffer.from([1, 2, 3, 4]), 1024) ?? Promise.resolve()),
    ).toBe(Code.InvalidArgument);
  });

  test("a body over the limit once decompressed stays resource_exhausted", async () => {
    const big = gzipSync(Buffer.alloc(10_000));
    expect(await codeOf(gzip?.decompress(big, 100) ?? Promise.resolve())).toBe(
      Code.ResourceExhausted,
    );
  });
});
