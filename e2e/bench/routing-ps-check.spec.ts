import { describe, expect, it } from "vitest";
import { processorSharingProblems } from "./routing-ps-check.js";

// A 20 ms computer whose calls carry ~4 ms of RPC and timer on top.
const alone = { aloneMs: 24, batchSize: 4, capacity: 49 };

describe("processorSharingProblems", () => {
  it("accepts one core shared by four calls", () => {
    const probe = { ...alone, batchMeanMs: 84.5, batchFirstMs: 84 };
    expect(processorSharingProblems("fast", probe, 20)).toEqual([]);
  });

  it("accepts a fast computer whose fixed overhead keeps the ratio under 2×", () => {
    // 5 ms of processor, 6 ms of overhead: 4 at once take 26 ms, 2.4× the 11 ms alone.
    const probe = { aloneMs: 11, batchSize: 4, capacity: 190, batchMeanMs: 26, batchFirstMs: 25.5 };
    expect(processorSharingProblems("fast", probe, 5)).toEqual([]);
  });

  it("refuses computers whose calls do not slow down with load (as many cores as workers)", () => {
    const probe = { ...alone, batchMeanMs: 24.4, batchFirstMs: 24.1 };
    expect(processorSharingProblems("fast", probe, 20)).toEqual([
      expect.stringMatching(
        /^fast: 4 calls at once take 24.4 ms each against 24.0 ms alone: 0.4 ms more, 1 % .* do not slow down/,
      ),
    ]);
  });

  it("refuses two cores, where four calls at once grow by one service time instead of three", () => {
    const probe = { ...alone, batchMeanMs: 44, batchFirstMs: 43.5 };
    expect(processorSharingProblems("fast", probe, 20)).toHaveLength(1);
  });

  it("refuses a FIFO of one worker, where the first call of a batch ends as soon as alone", () => {
    // FIFO: 24, 44, 64, 84 ms: a mean of 54 ms, the first in 24.
    const probe = { ...alone, batchMeanMs: 54, batchFirstMs: 24.2 };
    expect(processorSharingProblems("slow", probe, 20)).toEqual([
      expect.stringMatching(/first of 4 calls .* 0.2 ms later .* FIFO/),
    ]);
  });

  it("refuses a probe that measured nothing", () => {
    const probe = {
      ...alone,
      aloneMs: Number.NaN,
      batchMeanMs: Number.NaN,
      batchFirstMs: Number.NaN,
    };
    expect(processorSharingProblems("slow", probe, 20)).toHaveLength(1);
  });
});
