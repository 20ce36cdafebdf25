import { describe, expect, it } from "vitest";
import { BASELINE, confType, routingPolicies } from "./routing-policies.js";

const today = {
  tableTypes: ["random", "least-impedance", "round-robin", "proportional-fairness"],
  defaultTableConf: "type=random",
  defaultOptimizerConf: "type=trivial,period=10,stat=mean",
};

describe("routingPolicies", () => {
  it("runs the baseline and every table type with the default optimizer", () => {
    const policies = routingPolicies(today);
    expect(policies.map((p) => [p.name, p.tableConf, p.optimizerConf, p.isDefault])).toEqual([
      [BASELINE, "type=random", "type=none", false],
      ["random", "type=random", "type=trivial,period=10,stat=mean", true],
      ["least-impedance", "type=least-impedance", "type=trivial,period=10,stat=mean", false],
      ["round-robin", "type=round-robin", "type=trivial,period=10,stat=mean", false],
      [
        "proportional-fairness",
        "type=proportional-fairness,alpha=1,beta=1",
        "type=trivial,period=10,stat=mean",
        false,
      ],
    ]);
    expect(policies.filter((p) => p.fixedWeights).map((p) => p.name)).toEqual([BASELINE]);
  });

  it("picks up a new type, and runs the default type with the default conf itself", () => {
    const policies = routingPolicies({
      ...today,
      tableTypes: [...today.tableTypes, "adaptive"],
      defaultTableConf: "type=adaptive,choices=2",
    });
    expect(policies.map((p) => p.name)).toEqual([
      BASELINE,
      "random",
      "least-impedance",
      "round-robin",
      "proportional-fairness",
      "adaptive",
    ]);
    expect(policies.find((p) => p.isDefault)?.tableConf).toBe("type=adaptive,choices=2");
    expect(policies.find((p) => p.name === "random")?.isDefault).toBe(false);
  });

  it("keeps the named policies, and the baseline always", () => {
    expect(routingPolicies(today, ["round-robin", "default"]).map((p) => p.name)).toEqual([
      BASELINE,
      "random",
      "round-robin",
    ]);
  });

  it("refuses an unknown policy name, listing the known ones", () => {
    expect(() => routingPolicies(today, ["prequal"])).toThrow(
      "unknown policy 'prequal' (known: random, least-impedance, round-robin, proportional-fairness, default)",
    );
  });
});

describe("confType", () => {
  it("reads the type of a conf string wherever it stands", () => {
    expect(confType("type=random")).toBe("random");
    expect(confType("alpha=1,type=proportional-fairness,beta=1")).toBe("proportional-fairness");
    expect(confType("alpha=1")).toBeUndefined();
  });
});
