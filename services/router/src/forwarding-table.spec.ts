import { describe, expect, it } from "vitest";
import {
  InvalidDestination,
  InvalidWeight,
  InvalidWeightFactor,
  NoDestinations,
} from "./forwarding-table-errors.js";
import { ForwardingTable } from "./forwarding-table.js";
import { WeightedRandomPolicy } from "./policies/weighted-random-policy.js";
import { formatTable, mulberry32 } from "@soe/reference";

const randomTable = () =>
  new ForwardingTable("random", () => new WeightedRandomPolicy(mulberry32(1)));
const dump = (table: ForwardingTable) => formatTable(table.rows());

describe("ForwardingTable", () => {
  // reference §10, Test/testforwardingtable.cpp test_add_remove
  it("adds, updates, multiplies and removes pairs, dumping exactly as the reference", () => {
    const table = randomTable();
    table.change("lambda1", "dest1:666", 1, true);
    table.change("lambda1", "dest2:666", 0.5, false);
    table.change("lambda1", "dest2:667", 99, true);
    table.change("lambda2", "dest1:666", 1, true);
    table.change("lambda2", "dest2:666", 0.5, false);
    table.change("another_lambda", "dest3:666", 42, false);

    expect(dump(table)).toBe(
      "another_lambda [42 ] dest3:666\n" +
        "lambda1        [1  ] dest1:666 (F)\n" +
        "               [0.5] dest2:666\n" +
        "               [99 ] dest2:667 (F)\n" +
        "lambda2        [1  ] dest1:666 (F)\n" +
        "               [0.5] dest2:666\n",
    );

    table.remove("lambda1", "dest2:666");
    expect(dump(table)).toBe(
      "another_lambda [42 ] dest3:666\n" +
        "lambda1        [1  ] dest1:666 (F)\n" +
        "               [99 ] dest2:667 (F)\n" +
        "lambda2        [1  ] dest1:666 (F)\n" +
        "               [0.5] dest2:666\n",
    );

    table.updateWeight("lambda1", "dest2:667", 98);
    expect(dump(table)).toBe(
      "another_lambda [42 ] dest3:666\n" +
        "lambda1        [1  ] dest1:666 (F)\n" +
        "               [98 ] dest2:667 (F)\n" +
        "lambda2        [1  ] dest1:666 (F)\n" +
        "               [0.5] dest2:666\n",
    );

    table.multiply("lambda1", "dest2:667", 0.5);
    expect(dump(table)).toBe(
      "another_lambda [42 ] dest3:666\n" +
        "lambda1        [1  ] dest1:666 (F)\n" +
        "               [49 ] dest2:667 (F)\n" +
        "lambda2        [1  ] dest1:666 (F)\n" +
        "               [0.5] dest2:666\n",
    );

    table.remove("lambda1", "dest1:666");
    table.remove("lambda1", "dest2:667");
    expect(dump(table)).toBe(
      "another_lambda [42 ] dest3:666\n" +
        "lambda2        [1  ] dest1:666 (F)\n" +
        "               [0.5] dest2:666\n",
    );

    table.removeLambda("lambda2");
    expect(dump(table)).toBe("another_lambda [42] dest3:666\n");

    table.removeLambda("another_lambda");
    expect(dump(table)).toBe("");
  });

  // reference §10, Test/testforwardingtable.cpp test_invalid_operations
  it("rejects invalid operations with the reference's error types", () => {
    const table = randomTable();
    expect(() => table.updateWeight("lambda1", "", 1)).toThrow(NoDestinations);
    expect(() => table.change("lambda1", "", 1, true)).toThrow(InvalidDestination);
    expect(() => table.updateWeight("lambda1", "valid", 0)).toThrow(InvalidDestination);
    expect(() => table.change("lambda1", "valid", 99, true)).not.toThrow();
    expect(() => table.updateWeight("lambda1", "valid", 49)).not.toThrow();
    expect(() => table.updateWeight("lambda1", "valid", -99)).toThrow(InvalidWeight);
    expect(() => table.multiply("lambda1", "valid", 99)).not.toThrow();
    expect(() => table.multiply("lambda1", "valid", -99)).toThrow(InvalidWeightFactor);
    expect(() => table.select("lambda1")).not.toThrow();
    expect(() => table.removeLambda("lambda1")).not.toThrow();
    expect(() => table.removeLambda("lambda1")).not.toThrow();
    expect(() => table.select("lambda1")).toThrow(NoDestinations);
  });

  it("words its errors as the reference does", () => {
    const table = randomTable();
    expect(() => table.change("l", "d", -1, true)).toThrow("Invalid weight '-1', must be > 0");
    expect(() => table.change("l", "d", 0, true)).toThrow(
      "Invalid destination towards 'd' with weight 0",
    );
    expect(() => table.change("l", "", 0.5, true)).toThrow(
      "Invalid destination towards '' with weight 0.5",
    );
    expect(() => table.select("l")).toThrow(/^No destinations found for the entry$/);
    table.change("l", "d", 1, true);
    expect(() => table.updateWeight("l", "other", 1)).toThrow(
      "No destinations found for the entry: other",
    );
    expect(() => table.multiply("l", "d", 0)).toThrow("Invalid weight factor");
  });

  it("rejects non-finite weights", () => {
    const table = randomTable();
    expect(() => table.change("l", "d", Number.NaN, true)).toThrow(InvalidWeight);
    expect(() => table.change("l", "d", Number.POSITIVE_INFINITY, true)).toThrow(InvalidWeight);
  });

  it("updates the final flag with a change of an existing pair", () => {
    const table = randomTable();
    table.change("l", "d", 1, true);
    table.change("l", "d", 2, false);
    expect(table.rows()).toEqual([{ lambda: "l", destination: "d", weight: 2, final: false }]);
  });

  it("treats the removal of an unknown pair as harmless", () => {
    const table = randomTable();
    table.change("l", "d", 1, true);
    expect(table.remove("l", "x")).toBe(false);
    expect(table.remove("x", "d")).toBe(false);
    expect(table.remove("l", "d")).toBe(true);
    expect(table.has("l")).toBe(false);
  });

  it("keeps destinations in insertion order and rows sorted", () => {
    const table = randomTable();
    table.change("l", "b", 1, true);
    table.change("l", "a", 1, true);
    expect(table.destinations("l").map((d) => d.destination)).toEqual(["b", "a"]);
    expect(table.rows().map((r) => r.destination)).toEqual(["a", "b"]);
  });

  it("flushes everything", () => {
    const table = randomTable();
    table.change("l1", "d", 1, true);
    table.change("l2", "d", 1, false);
    table.flush();
    expect(table.rows()).toEqual([]);
  });
});
