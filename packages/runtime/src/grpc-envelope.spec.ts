import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, test } from "vitest";
import { decodeUnaryEnvelope, encodeEnvelope, joinChunks } from "./grpc-envelope.js";

function codeOf(fn: () => unknown): Code | undefined {
  try {
    fn();
  } catch (e) {
    return ConnectError.from(e).code;
  }
  return undefined;
}

describe("gRPC envelope", () => {
  test("round-trips a message with a 5-byte prefix", () => {
    const frame = encodeEnvelope(new Uint8Array([7, 8, 9]));
    expect(Array.from(frame)).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect(Array.from(decodeUnaryEnvelope(frame))).toEqual([7, 8, 9]);
  });

  test("an empty message is a valid unary request", () => {
    expect(decodeUnaryEnvelope(encodeEnvelope(new Uint8Array())).byteLength).toBe(0);
  });

  test("rejects missing, truncated, compressed and repeated messages", () => {
    expect(codeOf(() => decodeUnaryEnvelope(Buffer.alloc(0)))).toBe(Code.Unimplemented);
    expect(codeOf(() => decodeUnaryEnvelope(Buffer.from([0, 0, 0])))).toBe(Code.InvalidArgument);
    expect(codeOf(() => decodeUnaryEnvelope(Buffer.from([0, 0, 0, 0, 4, 1])))).toBe(
      Code.InvalidArgument,
    );
    expect(codeOf(() => decodeUnaryEnvelope(Buffer.from([1, 0, 0, 0, 1, 1])))).toBe(Code.Internal);
    const two = Buffer.concat([
      encodeEnvelope(new Uint8Array([1])),
      encodeEnvelope(new Uint8Array([2])),
    ]);
    expect(codeOf(() => decodeUnaryEnvelope(two))).toBe(Code.Unimplemented);
  });

  test("joins chunks, sharing the buffer when there is only one", () => {
    const one = Buffer.from([1, 2]);
    expect(joinChunks([one], 2)).toBe(one);
    expect(Array.from(joinChunks([one, Buffer.from([3])], 3))).toEqual([1, 2, 3]);
  });
});
