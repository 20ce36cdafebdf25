import { describe, expect, it } from "vitest";
import { type Requirements, taskNeeds, taskOutput } from "./sim-lambda.js";

describe("taskNeeds", () => {
  // reference §10, testlambda: (opCoeff, opOffset, memCoeff, memOffset) = (1, −100, 2, −200)
  const proportional: Requirements = {
    kind: "proportional",
    opCoeff: 1,
    opOffset: -100,
    memCoeff: 2,
    memOffset: -200,
  };

  it("is proportional to the input's length", () => {
    expect(taskNeeds(proportional, "x".repeat(1000))).toEqual({ ops: 900, mem: 1800 });
  });

  it("clamps negative requirements to 0", () => {
    expect(taskNeeds(proportional, "x".repeat(100))).toEqual({ ops: 0, mem: 0 });
    expect(taskNeeds(proportional, "x".repeat(10))).toEqual({ ops: 0, mem: 0 });
    expect(Object.is(taskNeeds(proportional, "x".repeat(99)).ops, 0)).toBe(true);
  });

  it("measures the input in UTF-8 bytes", () => {
    expect(taskNeeds(proportional, "é".repeat(100)).ops).toBe(100);
  });

  it("rounds to whole operations and bytes", () => {
    const r: Requirements = {
      kind: "proportional",
      opCoeff: 0.5,
      opOffset: 0,
      memCoeff: 0.25,
      memOffset: 1,
    };
    expect(taskNeeds(r, "abc")).toEqual({ ops: 2, mem: 2 });
  });

  it("returns fixed requirements whatever the input", () => {
    expect(taskNeeds({ kind: "fixed", ops: 7, mem: 3 }, "x".repeat(1000))).toEqual({
      ops: 7,
      mem: 3,
    });
  });
});

describe("taskOutput", () => {
  it("copies the input or answers a constant", () => {
    expect(taskOutput({ kind: "copy-input" }, "hello")).toBe("hello");
    expect(taskOutput({ kind: "fixed", value: "42" }, "hello")).toBe("42");
  });
});
