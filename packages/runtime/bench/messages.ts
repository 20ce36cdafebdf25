import { create, toBinary } from "@bufbuild/protobuf";
import { LambdaRequestSchema, LambdaResponseSchema } from "@soe/proto";

export const runLambdaPath = "/uiiit.rpc.EdgeServer/RunLambda";

/** The request every call sends: 110 bytes encoded, the size DESIGN §8 was measured with. */
export function benchRequest(): Uint8Array {
  return toBinary(
    LambdaRequestSchema,
    create(LambdaRequestSchema, { name: "clambda0", input: "x".repeat(98) }),
  );
}

/** The echo server's fixed answer: 60 bytes encoded, a small successful lambda response. */
export function benchResponse(): Uint8Array {
  return toBinary(
    LambdaResponseSchema,
    create(LambdaResponseSchema, {
      retcode: "OK",
      output: "y".repeat(31),
      responder: "127.0.0.1:50051",
      ptime: 1,
      load1: 3,
      hops: 1,
    }),
  );
}

/** A gRPC length-prefixed message: flag byte 0 (uncompressed), 4-byte big-endian length. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.byteLength);
  frame[0] = 0;
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, 5);
  return frame;
}
