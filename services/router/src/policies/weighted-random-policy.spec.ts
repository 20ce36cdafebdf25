import { describe, expect, it } from "vitest";
import { ForwardingTable } from "../forwarding-table.js";
import { mulberry32 } from "@soe/reference";
import { WeightedRandomPolicy } from "./weighted-random-policy.js";

const table = (rng: () => number) =>
  new ForwardingTable("random", () => new WeightedRandomPolicy(rng));

describe("WeightedRandomPolicy", () => {
  // reference §3.4 / §10, Test/testforwardingtable.cpp test_access_random
  it("picks in proportion to 1/weight: weights 1, 1/3, 1/6 give ratios 3 and 2", () => {
    const t = table(mulberry32(2024));
    t.change("lambda1", "dest1", 1, true);
    t.change("lambda1", "dest2", 1 / 3, true);
    t.change("lambda1", "dest3", 1 / 6, true);
    const counters = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const d = t.select("lambda1");
      counters.set(d, (counters.get(d) ?? 0) + 1);
    }
    const count = (d: string) => counters.get(d) ?? 0;
    expect(Math.round(count("dest2") / count("dest1"))).toBe(3);
    expect(Math.round(count("dest3") / count("dest2"))).toBe(2);
  });

  it("walks the destinations in insertion order against r = U·Σ(1/w)", () => {
    // Σ(1/w) = 1 + 2 + 1 = 4; cumulative 1, 3, 4
    const draws = [0, 0.25, 0.2501, 0.75, 0.7501, 0.9999];
    const t = table(() => draws.shift() ?? 0);
    t.change("l", "a", 1, true);
    t.change("l", "b", 0.5, true);
    t.change("l", "c", 1, true);
    expect(Array.from({ length: 6 }, () => t.select("l"))).toEqual(["a", "a", "b", "b", "c", "c"]);
  });

  it("returns a lone destination without drawing a number", () => {
    let draws = 0;
    const t = table(() => {
      draws += 1;
      return 0.5;
    });
    t.change("l", "only", 3, true);
    expect(t.select("l")).toBe("only");
    expect(draws).toBe(0);
  });

  it("falls back to the last destination when rounding leaves r above the sum", () => {
    const t = table(() => 1);
    t.change("l", "a", 3, true);
    t.change("l", "b", 7, true);
    expect(t.select("l")).toBe("b");
  });
});
