import { describe, expect, it } from "vitest";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { WeightedRandomPolicy } from "../policies/weighted-random-policy.js";
import { AsyncOptimizer } from "./async-optimizer.js";

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

describe("AsyncOptimizer", () => {
  // reference §3.5: w := (1 − α)·t + α·w_prev within 5 s of the previous estimate, else w := t
  it("averages with alpha weighing the history, forgetting estimates older than 5 s", () => {
    const { time, table, weight } = setup();
    const optimizer = new AsyncOptimizer({ table, clock: time.clock, alpha: 0.75 });
    optimizer.observe("l", "a", 0.4);
    expect(weight("l", "a")).toBe(0.4); // first sample taken as is
    time.advance(4_999);
    optimizer.observe("l", "a", 0.8);
    expect(weight("l", "a")).toBeCloseTo(0.25 * 0.8 + 0.75 * 0.4, 12); // 0.5
    time.advance(5_000);
    optimizer.observe("l", "a", 0.1);
    expect(weight("l", "a")).toBe(0.1); // previous estimate stale
  });

  it("keeps separate estimates per lambda and destination", () => {
    const { time, table, weight } = setup();
    const optimizer = new AsyncOptimizer({ table, clock: time.clock, alpha: 0.5 });
    optimizer.observe("l", "a", 0.2);
    optimizer.observe("m", "a", 0.6);
    optimizer.observe("l", "a", 0.4);
    expect(weight("l", "a")).toBeCloseTo(0.3, 12);
    expect(weight("m", "a")).toBe(0.6);
  });

  it("returns false for a pair that left the table", () => {
    const { time, table } = setup();
    const optimizer = new AsyncOptimizer({ table, clock: time.clock, alpha: 0.5 });
    table.remove("l", "a");
    expect(optimizer.observe("l", "a", 0.2)).toBe(false);
  });

  it("rejects alpha outside [0, 1]", () => {
    const { time, table } = setup();
    expect(() => new AsyncOptimizer({ table, clock: time.clock, alpha: 1.5 })).toThrow(/alpha/);
  });
});
