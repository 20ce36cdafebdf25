import { describe, expect, it } from "vitest";
import { processorSharingProblems } from "./routing-ps-check.js";

describe("processorSharingProblems", () => {
  it("accepts one core shared by four calls", () => {
    const probe = {
      aloneMs: 20.8,
      batchSize: 4,
      batchMeanMs: 81,
      batchFirstMs: 80.5,
      capacity: 49,
    };
    expect(processorSharingProblems("fast", probe)).toEqual([]);
  });

  it("refuses computers whose calls do not slow down with load (as many cores as workers)", () => {
    const probe = {
      aloneMs: 20.8,
      batchSize: 4,
      batchMeanMs: 21,
      batchFirstMs: 20.9,
      capacity: 190,
    };
    const problems = processorSharingProblems("fast", probe);
    expect(problems).toEqual([
      expect.stringMatching(/^fast: 4 calls at once take 21.0 ms each, 1.01× .* do not slow down/),
    ]);
  });

  it("refuses a FIFO of one worker, where the first call of a batch still ends in one service time", () => {
    const probe = { aloneMs: 20.8, batchSize: 4, batchMeanMs: 52, batchFirstMs: 21, capacity: 48 };
    expect(processorSharingProblems("slow", probe)).toEqual([
      expect.stringMatching(/first of 4 calls .* 1.01× .* FIFO/),
    ]);
  });

  it("refuses two cores, where four calls at once take only about twice as long", () => {
    const probe = { aloneMs: 23, batchSize: 4, batchMeanMs: 43, batchFirstMs: 42.5, capacity: 100 };
    expect(processorSharingProblems("fast", probe)).toHaveLength(1);
  });

  it("refuses a probe that measured nothing", () => {
    const probe = {
      aloneMs: Number.NaN,
      batchSize: 4,
      batchMeanMs: Number.NaN,
      batchFirstMs: Number.NaN,
      capacity: Number.NaN,
    };
    expect(processorSharingProblems("slow", probe)).toHaveLength(1);
  });
});
