import { describe, expect, it } from "vitest";
import { formatTable, formatTableDump } from "./table-dump.js";

describe("formatTable", () => {
  it("prints nothing for an empty table", () => {
    expect(formatTable([])).toBe("");
  });

  it("sorts rows itself", () => {
    expect(
      formatTable([
        { lambda: "b", destination: "y", weight: 2, final: false },
        { lambda: "a", destination: "z", weight: 1, final: true },
        { lambda: "a", destination: "x", weight: 10, final: true },
      ]),
    ).toBe("a [10] x (F)\n  [1 ] z (F)\nb [2 ] y\n");
  });

  // reference §8.1 / docs/example.md: the forwardingtableclient dump after five calls
  it("reproduces the dump of docs/example.md", () => {
    const pairs = (weights: [number, number]) =>
      ["clambda0", "glambda0"].flatMap((lambda, i) =>
        ["127.0.0.1:10000", "127.0.0.1:10001"].map((destination, j) => ({
          lambda,
          destination,
          weight: i === 0 ? (weights[j] ?? 1) : 1,
          final: true,
        })),
      );
    expect(
      formatTableDump([pairs([Math.fround(0.106305), Math.fround(0.108944)]), pairs([1, 1])]),
    ).toBe(
      "Table#0\n" +
        "clambda0 [0.106305] 127.0.0.1:10000 (F)\n" +
        "         [0.108944] 127.0.0.1:10001 (F)\n" +
        "glambda0 [1       ] 127.0.0.1:10000 (F)\n" +
        "         [1       ] 127.0.0.1:10001 (F)\n" +
        "Table#1\n" +
        "clambda0 [1] 127.0.0.1:10000 (F)\n" +
        "         [1] 127.0.0.1:10001 (F)\n" +
        "glambda0 [1] 127.0.0.1:10000 (F)\n" +
        "         [1] 127.0.0.1:10001 (F)\n",
    );
  });
});
