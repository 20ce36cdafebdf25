import { Code, ConnectError } from "@connectrpc/connect";

/** gRPC length-prefixed message: 1 flag byte (bit 0 = compressed), 4 bytes big-endian length. */
export const envelopeHeaderLength = 5;

export function encodeEnvelope(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(envelopeHeaderLength + payload.byteLength);
  frame[0] = 0;
  frame.writeUInt32BE(payload.byteLength, 1);
  frame.set(payload, envelopeHeaderLength);
  return frame;
}

/**
 * Decodes the single message of a unary gRPC body. A unary call carries exactly one
 * uncompressed message. A body that ends mid-envelope is the client's error (invalid_argument,
 * as connect-node answers it on the other protocols); a compressed message without a
 * negotiated encoding is internal, as gRPC's own servers and connect-node answer it.
 */
export function decodeUnaryEnvelope(body: Buffer): Uint8Array {
  if (body.byteLength < envelopeHeaderLength) {
    throw new ConnectError(
      body.byteLength === 0
        ? "protocol error: missing request message"
        : "protocol error: incomplete envelope",
      body.byteLength === 0 ? Code.Unimplemented : Code.InvalidArgument,
    );
  }
  const flags = body[0] as number;
  if ((flags & 0b1) !== 0) {
    throw new ConnectError(
      "protocol error: compressed message without negotiated encoding",
      Code.Internal,
    );
  }
  const length = body.readUInt32BE(1);
  const end = envelopeHeaderLength + length;
  if (end > body.byteLength) {
    throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
  }
  if (end < body.byteLength) {
    throw new ConnectError(
      "protocol error: more than one message in a unary call",
      Code.Unimplemented,
    );
  }
  return body.subarray(envelopeHeaderLength, end);
}

/** Joins the chunks of a body without copying in the common single-chunk case. */
export function joinChunks(chunks: Buffer[], total: number): Buffer {
  if (chunks.length === 1) return chunks[0] as Buffer;
  return Buffer.concat(chunks, total);
}
