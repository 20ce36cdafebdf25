import { describe, expect, it } from "vitest";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { formatTable } from "@soe/reference";
import { ProportionalFairnessPolicy } from "./proportional-fairness-policy.js";

const setup = (alpha: number, beta: number) => {
  const time = new FakeClock(1_000);
  const table = new ForwardingTable(
    "proportional-fairness",
    () => new ProportionalFairnessPolicy(alpha, beta, time.clock),
  );
  // Each operation happens 10 ms after the previous one, as real time would move between calls.
  const step = <T>(op: () => T): T => {
    time.advance(10);
    return op();
  };
  return { time, table, step };
};

describe("ProportionalFairnessPolicy", () => {
  // reference §3.4 / §10, Test/testforwardingtable.cpp test_pf_operations (α=2, β=1)
  it("reproduces the reference's sequence with alpha=2, beta=1", () => {
    const { table, step } = setup(2, 1);
    step(() => table.change("lambda1", "dest1:666", 1, true));
    step(() => table.change("lambda1", "dest2:666", 1, true));
    step(() => table.change("lambda1", "dest1:667", 1, true));
    step(() => table.change("lambda2", "dest3:668", 1, true));
    step(() => table.change("lambda2", "dest2:667", 1, true));
    expect(formatTable(table.rows())).toBe(
      "lambda1 [1] dest1:666 (F)\n" +
        "        [1] dest1:667 (F)\n" +
        "        [1] dest2:666 (F)\n" +
        "lambda2 [1] dest2:667 (F)\n" +
        "        [1] dest3:668 (F)\n",
    );

    let scheduled = step(() => table.select("lambda1"));
    expect(scheduled).toBe("dest1:666");
    step(() => table.updateWeight("lambda1", scheduled, 2));
    expect(formatTable(table.rows())).toBe(
      "lambda1 [2] dest1:666 (F)\n" +
        "        [1] dest1:667 (F)\n" +
        "        [1] dest2:666 (F)\n" +
        "lambda2 [1] dest2:667 (F)\n" +
        "        [1] dest3:668 (F)\n",
    );

    scheduled = step(() => table.select("lambda1"));
    expect(scheduled).toBe("dest2:666");
    step(() => table.remove("lambda1", scheduled));
    expect(formatTable(table.rows())).toBe(
      "lambda1 [2] dest1:666 (F)\n" +
        "        [1] dest1:667 (F)\n" +
        "lambda2 [1] dest2:667 (F)\n" +
        "        [1] dest3:668 (F)\n",
    );

    scheduled = step(() => table.select("lambda1"));
    expect(scheduled).toBe("dest1:667");
    step(() => table.updateWeight("lambda1", scheduled, 3));
    expect(formatTable(table.rows())).toBe(
      "lambda1 [2] dest1:666 (F)\n" +
        "        [3] dest1:667 (F)\n" +
        "lambda2 [1] dest2:667 (F)\n" +
        "        [1] dest3:668 (F)\n",
    );
  });

  it("computes PC = (1/w)^α / (count/Δt)^β with Δt in seconds", () => {
    const { time, table } = setup(1, 1);
    table.change("l", "a", 0.5, true); // at 1 s: count 1
    time.advance(1_000);
    table.change("l", "b", 0.25, true); // at 2 s: count 1
    time.advance(1_000); // now 3 s: a: 2 / (1/2) = 4; b: 4 / (1/1) = 4 → tie → a
    expect(table.select("l")).toBe("a");
    time.advance(1_000); // a: 2 / (1/3) = 6; b: 4 / (1/2) = 8
    expect(table.select("l")).toBe("b");
  });

  it("always picks the fastest with alpha=1, beta=0", () => {
    const { table, step } = setup(1, 0);
    step(() => table.change("l", "slow", 0.3, true));
    step(() => table.change("l", "fast", 0.1, true));
    for (let i = 0; i < 3; i++) {
      const d = step(() => table.select("l"));
      expect(d).toBe("fast");
      step(() => table.updateWeight("l", d, 0.1));
    }
  });

  it("alternates like round robin with alpha=0, beta=1", () => {
    const { table, step } = setup(0, 1);
    step(() => table.change("l", "a", 5, true));
    step(() => table.change("l", "b", 1, true));
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = step(() => table.select("l"));
      picks.push(d);
      step(() => table.updateWeight("l", d, 1));
    }
    expect(picks).toEqual(["a", "b", "a", "b"]);
  });

  it("scores 0 a destination changed this very instant, ties going to the earliest", () => {
    const { time, table } = setup(2, 1);
    table.change("l", "a", 1, true);
    time.advance(10);
    table.change("l", "b", 1, true);
    table.updateWeight("l", "a", 1); // a: Δt = 0 → PC = 0; b: Δt = 0 too → tie → a
    expect(table.select("l")).toBe("a");
    time.advance(1);
    expect(table.select("l")).toBe("b");
  });
});
