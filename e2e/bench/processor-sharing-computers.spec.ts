import { buildComputer, parseProfileFile, type SimulatedComputer } from "@soe/computer";
import { describe, expect, it } from "vitest";
import {
  BACKGROUND_LAMBDA,
  BACKGROUND_SIZE,
  processorSharingProfile,
  ROUTED_LAMBDA,
} from "./processor-sharing-computers.js";

/** The model a profile describes, built as the edgecomputer builds it. */
function computerOf(profileText: string): SimulatedComputer {
  return buildComputer("test", parseProfileFile(profileText));
}

/** Completion instants (ms) of calls of `lambdas` submitted together at time 0. */
function completions(computer: SimulatedComputer, lambdas: readonly string[]): number[] {
  for (const lambda of lambdas) computer.submit(lambda, "x");
  return computer.advance(1e9).map((c) => c.completedAt);
}

describe("processorSharingProfile", () => {
  it("runs one call alone in its service time", () => {
    const computer = computerOf(processorSharingProfile({ name: "fast", serviceMs: 20 }));
    expect(completions(computer, [ROUTED_LAMBDA])).toEqual([20]);
  });

  it("shares the core: four calls at once all end after four service times", () => {
    const computer = computerOf(processorSharingProfile({ name: "slow", serviceMs: 80 }));
    const ends = completions(computer, [
      ROUTED_LAMBDA,
      ROUTED_LAMBDA,
      ROUTED_LAMBDA,
      ROUTED_LAMBDA,
    ]);
    expect(ends).toHaveLength(4);
    for (const end of ends) expect(end).toBeCloseTo(320, 6);
  });

  it("shares the core with background calls of BACKGROUND_SIZE times the cost", () => {
    const computer = computerOf(processorSharingProfile({ name: "fast", serviceMs: 5 }));
    const ends = completions(computer, [ROUTED_LAMBDA, BACKGROUND_LAMBDA]);
    // Both run at half speed until the routed call ends; then the background call runs alone.
    expect(ends[0]).toBeCloseTo(10, 6);
    expect(ends[1]).toBeCloseTo(10 + (BACKGROUND_SIZE - 1) * 5, 6);
  });

  it("never makes a call wait for a worker or memory at a thousand calls at once", () => {
    const computer = computerOf(processorSharingProfile({ name: "fast", serviceMs: 1 }));
    for (let i = 0; i < 1000; i++) computer.submit(ROUTED_LAMBDA, "x");
    expect(computer.containers[0]?.pending).toHaveLength(0);
  });
});
