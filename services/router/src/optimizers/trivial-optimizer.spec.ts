import { describe, expect, it } from "vitest";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { WeightedRandomPolicy } from "../policies/weighted-random-policy.js";
import { MIN_WEIGHT } from "./local-optimizer.js";
import { TrivialOptimizer } from "./trivial-optimizer.js";

const setup = () => {
  const time = new FakeClock(0);
  const table = new ForwardingTable("random", () => new WeightedRandomPolicy(() => 0));
  table.change("l", "a", 1, true);
  table.change("l", "b", 1, true);
  table.change("m", "a", 1, true);
  const weight = (lambda: string, destination: string) =>
    table.destinations(lambda).find((d) => d.destination === destination)?.weight;
  return { time, table, weight };
};

describe("TrivialOptimizer", () => {
  // reference §3.5: every period, each sampled pair gets the stat of that period's samples
  it.each([
    ["mean", 0.2],
    ["min", 0.1],
    ["max", 0.3],
  ] as const)(
    "sets the %s of the period's samples, one period after creation",
    (stat, expected) => {
      const { time, table, weight } = setup();
      const optimizer = new TrivialOptimizer({ table, clock: time.clock, periodSeconds: 10, stat });
      optimizer.observe("l", "a", 0.1);
      optimizer.observe("l", "a", 0.3);
      optimizer.observe("l", "a", 0.2);
      time.advance(9_999);
      expect(optimizer.poll()).toEqual({ updated: 0, vanished: [] });
      expect(weight("l", "a")).toBe(1);
      time.advance(1);
      expect(optimizer.poll().updated).toBe(1);
      expect(weight("l", "a")).toBeCloseTo(expected, 12);
      expect(weight("l", "b")).toBe(1); // no samples, weight kept
    },
  );

  it("starts every period afresh", () => {
    const { time, table, weight } = setup();
    const optimizer = new TrivialOptimizer({
      table,
      clock: time.clock,
      periodSeconds: 10,
      stat: "mean",
    });
    optimizer.observe("l", "a", 0.1);
    time.advance(10_000);
    optimizer.poll();
    optimizer.observe("l", "a", 0.5);
    time.advance(10_000);
    optimizer.poll();
    expect(weight("l", "a")).toBe(0.5);
  });

  it("skips only a vanished pair and reports it (the reference drops the rest of the lambda)", () => {
    const { time, table, weight } = setup();
    const optimizer = new TrivialOptimizer({
      table,
      clock: time.clock,
      periodSeconds: 1,
      stat: "mean",
    });
    optimizer.observe("l", "a", 0.1);
    optimizer.observe("l", "b", 0.2);
    table.remove("l", "a");
    time.advance(1_000);
    expect(optimizer.poll()).toEqual({ updated: 1, vanished: [{ lambda: "l", destination: "a" }] });
    expect(weight("l", "b")).toBe(0.2);
  });

  it("runs once after a late poll and keeps the period grid", () => {
    const { time, table } = setup();
    const optimizer = new TrivialOptimizer({
      table,
      clock: time.clock,
      periodSeconds: 10,
      stat: "mean",
    });
    expect(optimizer.nextDueAt()).toBe(10_000);
    time.advance(35_000);
    optimizer.poll();
    expect(optimizer.nextDueAt()).toBe(40_000);
  });

  it("never writes a zero weight", () => {
    const { time, table, weight } = setup();
    const optimizer = new TrivialOptimizer({
      table,
      clock: time.clock,
      periodSeconds: 1,
      stat: "min",
    });
    optimizer.observe("l", "a", 0);
    time.advance(1_000);
    optimizer.poll();
    expect(weight("l", "a")).toBe(MIN_WEIGHT);
  });
});

describe("TrivialOptimizer under heavy load", () => {
  it("summarises a period of 200,000 samples (min, max, mean) in constant memory", () => {
    // 1 + (i % 3) for i < 200,000: min 1, max 3, mean (66,667·1 + 66,667·2 + 66,666·3) / 200,000.
    const expected = { min: 1, max: 3, mean: (66_667 + 66_667 * 2 + 66_666 * 3) / 200_000 };
    for (const stat of ["min", "max", "mean"] as const) {
      const { time, table } = setup();
      const optimizer = new TrivialOptimizer({ table, clock: time.clock, periodSeconds: 1, stat });
      for (let i = 0; i < 200_000; i++) optimizer.observe("l", "a", 1 + (i % 3));
      time.advance(1000);
      expect(optimizer.poll().updated).toBe(1);
      expect(table.destinations("l").find((d) => d.destination === "a")?.weight).toBeCloseTo(
        expected[stat],
        9,
      );
    }
  });
});
