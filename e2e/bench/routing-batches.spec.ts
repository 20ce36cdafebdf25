import { describe, expect, it } from "vitest";
import { routingStages } from "./routing-cases.js";
import { nominalCallsPerSecond, policyBatches } from "./routing-batches.js";
import type { PolicyUnderTest } from "./routing-policies.js";

const policy = (name: string): PolicyUnderTest => ({
  name,
  tableConf: `type=${name}`,
  optimizerConf: "type=none",
  isDefault: false,
  fixedWeights: name === "base",
});
const seven = ["base", "a", "b", "c", "d", "e", "f"].map(policy);
const names = (batches: PolicyUnderTest[][]) => batches.map((b) => b.map((p) => p.name));

describe("policyBatches", () => {
  it("runs every policy side by side when they fit", () => {
    expect(names(policyBatches(seven, 50, 480))).toEqual([["base", "a", "b", "c", "d", "e", "f"]]);
  });

  it("splits into batches of equal size, each with its own baseline", () => {
    expect(names(policyBatches(seven, 114, 480))).toEqual([
      ["base", "a", "b", "c"],
      ["base", "d", "e", "f"],
    ]);
    expect(names(policyBatches(seven, 150, 480))).toEqual([
      ["base", "a", "b"],
      ["base", "c", "d"],
      ["base", "e", "f"],
    ]);
  });

  it("runs one policy beside the baseline even when that alone is over the limit", () => {
    expect(names(policyBatches(seven.slice(0, 3), 1000, 480))).toEqual([
      ["base", "a"],
      ["base", "b"],
    ]);
    expect(names(policyBatches(seven.slice(0, 1), 1000, 480))).toEqual([["base"]]);
  });
});

describe("nominalCallsPerSecond", () => {
  it("counts the routed load, and case 3's background calls", () => {
    const stages = routingStages({ cases: [1, 2, 3], loads: [0.7], stepServiceMs: [5, 20] });
    const [one, two, three] = stages.map(nominalCallsPerSecond);
    expect(one).toBeCloseTo(0.7 * 62.5, 9);
    expect(two).toBeCloseTo(0.7 * 162.5, 9);
    // 70 % of 50 + 50 after the step, and 150 calls/s of background in calls 20× the cost.
    expect(three).toBeCloseTo(70 + 7.5, 9);
  });
});
