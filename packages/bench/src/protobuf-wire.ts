/**
 * Just enough of the protobuf wire format to pre-encode the bench's messages without a protobuf
 * runtime: the harness has no dependency but Node, so every bench (and every child it starts) can
 * use it. Fields are written in the order given, as protobuf-es writes them (by field number), and
 * default values are skipped, as proto3 does, so the bytes equal `toBinary`'s.
 */

/** A field number and a value: a string (wire type 2) or a uint32 (wire type 0, varint). */
export type WireField = readonly [fieldNumber: number, value: string | number];

export function encodeMessage(fields: readonly WireField[]): Uint8Array {
  const bytes: number[] = [];
  for (const [fieldNumber, value] of fields) {
    if (typeof value === "string") {
      if (value === "") continue;
      const utf8 = Buffer.from(value, "utf8");
      writeVarint(bytes, (fieldNumber << 3) | 2);
      writeVarint(bytes, utf8.byteLength);
      for (const byte of utf8) bytes.push(byte);
    } else {
      if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
        throw new RangeError(`field ${fieldNumber}: ${value} is not a uint32`);
      }
      if (value === 0) continue;
      writeVarint(bytes, fieldNumber << 3);
      writeVarint(bytes, value);
    }
  }
  return Uint8Array.from(bytes);
}

function writeVarint(bytes: number[], value: number): void {
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
}
