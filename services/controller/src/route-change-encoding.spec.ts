import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { RouteChangeEncoder } from "./route-change-encoding.js";
import type { RouteChangeSet } from "./route-change-queue.js";

const changes: RouteChangeSet[] = [
  {
    destination: "10.0.0.1:6473",
    lambdas: ["lambda0", "lambda1"],
    weight: 1,
    final: true,
    remove: false,
  },
  { destination: "r2:6473", lambdas: ["l"], weight: 0.125, final: false, remove: false },
  { destination: "10.0.0.1:6473", lambdas: ["lambda1"], weight: 0, final: false, remove: true },
  {
    destination: "[::1]:7000",
    lambdas: ["ünïcödé-λ", "x".repeat(300)],
    weight: 2.5e-7,
    final: true,
    remove: false,
  },
  { destination: "c:1", lambdas: [], weight: 1, final: true, remove: false },
];

describe("RouteChangeEncoder", () => {
  it("writes what protobuf-es writes for each RouteChange", () => {
    const encoder = new RouteChangeEncoder();
    for (const change of changes) {
      const expected = toBinary(
        soev1.RouteChangeSchema,
        create(soev1.RouteChangeSchema, { ...change, lambdas: [...change.lambdas] }),
      );
      const encoded = encoder.encode(change);
      // Length-prefixed: the payload of a length-delimited field.
      const reader = new BinaryReader(encoded);
      expect(reader.bytes()).toEqual(expected);
      expect(reader.pos).toBe(encoded.length);
    }
  });

  it("gives a request whose changes the router reads back as sent", () => {
    const encoder = new RouteChangeEncoder();
    const request = create(soev1.ApplyBatchRequestSchema, {
      epoch: "e",
      fromVersion: 1n,
      toVersion: 2n,
    });
    request.$unknown = changes.map((c) => ({
      no: 6,
      wireType: WireType.LengthDelimited,
      data: encoder.encode(c),
    }));
    const read = fromBinary(
      soev1.ApplyBatchRequestSchema,
      toBinary(soev1.ApplyBatchRequestSchema, request),
    );
    expect(
      read.changes.map(({ destination, lambdas, weight, final, remove }) => ({
        destination,
        lambdas,
        weight,
        final,
        remove,
      })),
    ).toEqual(changes);
    expect(read.toVersion).toBe(2n);
  });

  it("encodes a string once however often it is sent", () => {
    const encoder = new RouteChangeEncoder();
    const first = encoder.encode(changes[0] as RouteChangeSet);
    expect(encoder.encode(changes[0] as RouteChangeSet)).toEqual(first);
  });
});
