import { describe, expect, it } from "vitest";
import { endpointAddress, InvalidNode, InvalidTopologyFile, Topology } from "./topology.js";

describe("Topology", () => {
  // reference §10: Test/testtopology.cpp test_valid
  it("parses a matrix by rows, skipping comments", () => {
    const topology = Topology.parse(
      "# example file\n" +
        "10.0.0.1 1  2  3  4\n" +
        "10.0.0.2 5  6  7  8\n" +
        "10.0.0.3 9  10 11 12\n" +
        "10.0.0.4 13 14 15 16\n",
    );
    expect(topology.numNodes).toBe(4);
    const addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"];
    let out = "";
    for (const src of addresses)
      for (const dst of addresses) out += ` ${topology.distance(src, dst)}`;
    expect(out).toBe(" 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16");
  });

  // reference §10: Test/testtopology.cpp test_invalid
  it.each([
    ["an empty file", ""],
    ["only blank lines", "\n\n\n"],
    ["only comments and blank lines", "# this is a comment\n\n# another comment\n\n"],
    ["more columns than rows", "mickey 1 2 3\ngoofy 0 0 0\n"],
    ["fewer columns than rows", "mickey 1\ngoofy 0\n"],
    ["repeated names", "mickey 1 2 3\ngoofy 0 1 2\nmickey 0 1 2\n"],
    ["a non-numeric distance", "mickey 0 x\ngoofy 0 1\n"],
  ])("rejects %s", (_what, text) => {
    expect(() => Topology.parse(text)).toThrow(InvalidTopologyFile);
  });

  it("rejects access to unknown nodes", () => {
    const topology = Topology.parse("10.0.0.1 1\n");
    expect(topology.numNodes).toBe(1);
    expect(() => topology.distance("10.0.0.1", "notexistingnode")).toThrow(InvalidNode);
    expect(() => topology.distance("notexistingnode", "10.0.0.1")).toThrow(InvalidNode);
    expect(() => topology.distance("notexistingnode", "notexistingnode")).toThrow(InvalidNode);
    expect(topology.distance("10.0.0.1", "10.0.0.1")).toBe(1);
  });

  it("accepts blank lines between rows and Windows line ends", () => {
    const topology = Topology.parse("a 0 1\r\n\r\n  b 1 0  \r\n");
    expect(topology.nodes()).toEqual(["a", "b"]);
    expect(topology.distance("b", "a")).toBe(1);
  });

  it("randomizes off-diagonal distances only (--topology-randomized)", () => {
    const draws = [0.25, 0.5];
    const topology = Topology.parse("a 7 1\nb 1 9\n").randomized(() => draws.shift() ?? 0);
    expect([
      topology.distance("a", "a"),
      topology.distance("a", "b"),
      topology.distance("b", "a"),
      topology.distance("b", "b"),
    ]).toEqual([7, 0.25, 0.5, 9]);
  });
});

describe("endpointAddress", () => {
  it.each([
    ["host0:10000", "host0"],
    ["10.0.0.1:6473", "10.0.0.1"],
    ["[::1]:6473", "::1"],
    ["host0", "host0"],
  ])("takes the host part of %s", (endpoint, address) => {
    expect(endpointAddress(endpoint)).toBe(address);
  });
});
