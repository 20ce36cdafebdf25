import { describe, expect, it } from "vitest";
import { routingStages } from "./routing-cases.js";

const options = { cases: [1, 2, 3, 4], loads: [0.5, 0.7, 0.9], stepServiceMs: [5, 20] as const };

describe("routingStages", () => {
  it("runs case 1 at every load, then the other cases once", () => {
    const stages = routingStages(options);
    expect(stages.map((s) => s.id)).toEqual(["1@50%", "1@70%", "1@90%", "2", "3", "4"]);
    expect(stages.map((s) => s.computers.map((c) => c.serviceMs))).toEqual([
      [20, 80],
      [20, 80],
      [20, 80],
      [10, 20, 80],
      [5, 20],
      [20, 80],
    ]);
    expect(stages.map((s) => s.routers)).toEqual([1, 1, 1, 1, 1, 2]);
    expect(stages.find((s) => s.id === "3")?.step).toEqual({ computer: "fast", slowdown: 4 });
  });

  it("runs only the cases and loads asked for", () => {
    const stages = routingStages({ ...options, cases: [3, 1], loads: [0.7] });
    expect(stages.map((s) => s.id)).toEqual(["1@70%", "3"]);
  });

  it("refuses a case that does not exist", () => {
    expect(() => routingStages({ ...options, cases: [5] })).toThrow("unknown case 5");
  });
});
