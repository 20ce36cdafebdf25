import { describe, expect, it } from "vitest";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { WeightedRandomPolicy } from "../policies/weighted-random-policy.js";
import { NoneOptimizer } from "./local-optimizer.js";

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

describe("NoneOptimizer", () => {
  it("never changes a weight", () => {
    const { table, weight } = setup();
    const optimizer = new NoneOptimizer();
    optimizer.observe("l", "a", 0.2);
    optimizer.poll();
    expect(weight("l", "a")).toBe(1);
    expect(optimizer.nextDueAt()).toBeUndefined();
    expect(table.rows()).toHaveLength(3);
  });
});
