import { describe, expect, it } from "vitest";
import {
  type RoutedCall,
  recoveryTimeMs,
  splitDistance,
  splitOverWindows,
} from "./routing-split-recovery.js";

/** One call every `everyMs` from `fromMs` to `toMs`, to the computer `pick(i, atMs)` says. */
function calls(
  fromMs: number,
  toMs: number,
  everyMs: number,
  pick: (i: number, atMs: number) => number,
): RoutedCall[] {
  const out: RoutedCall[] = [];
  for (let at = fromMs, i = 0; at < toMs; at += everyMs, i++)
    out.push({ atMs: at, computer: pick(i, at) });
  return out;
}

describe("splitOverWindows", () => {
  it("counts each window's calls per computer", () => {
    // Alternating 0,1 for the first second, then only computer 1.
    const sample = calls(0, 2000, 10, (i, at) => (at < 1000 ? i % 2 : 1));
    const windows = splitOverWindows(sample, {
      computers: 2,
      windowMs: 500,
      slideMs: 250,
      fromMs: 0,
      toMs: 2000,
    });
    expect(windows.map((w) => w.endMs)).toEqual([250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
    expect(windows[1]).toEqual({ endMs: 500, calls: 50, shares: [0.5, 0.5] });
    // [750, 1250): 25 alternating calls, then 25 to computer 1.
    expect(windows[4]?.calls).toBe(50);
    expect(windows[4]?.shares[0]).toBeCloseTo(12 / 50, 9);
    expect(windows[7]?.shares).toEqual([0, 1]);
  });

  it("reports an empty window as unknown shares", () => {
    const windows = splitOverWindows([], {
      computers: 2,
      windowMs: 100,
      slideMs: 100,
      fromMs: 0,
      toMs: 100,
    });
    expect(windows[0]?.calls).toBe(0);
    expect(windows[0]?.shares.every(Number.isNaN)).toBe(true);
  });
});

describe("splitDistance", () => {
  it("is the largest gap in share points, infinite for an unknown split", () => {
    expect(splitDistance([0.7, 0.3], [0.5, 0.5])).toBeCloseTo(0.2, 9);
    expect(splitDistance([Number.NaN, Number.NaN], [0.5, 0.5])).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("recoveryTimeMs", () => {
  const windowing = { computers: 2, windowMs: 1000, slideMs: 50, fromMs: 0, toMs: 10_000 };
  const options = { changeMs: 5000, target: [0.5, 0.5], tolerance: 0.1, holdMs: 1000 };

  it("measures how long a policy takes to move to the new best split", () => {
    // All on computer 0 until 2 s after the change, then alternating.
    const sample = calls(0, 10_000, 5, (i, at) => (at < 7000 ? 0 : i % 2));
    const recovery = recoveryTimeMs(splitOverWindows(sample, windowing), options);
    // The window ending at 7800 holds 800 ms of alternating calls: 60 % to computer 0.
    expect(recovery).toBe(2800);
  });

  it("has a floor of 0.8 window for a switch at the very instant of the change", () => {
    const sample = calls(0, 10_000, 5, (i, at) => (at < 5000 ? 0 : i % 2));
    expect(recoveryTimeMs(splitOverWindows(sample, windowing), options)).toBe(800);
  });

  it("does not count a split that passes through the target without staying", () => {
    // Alternating for 1.2 s from 6 s (within tolerance for 600 ms of windows), then back to
    // computer 0; alternating for good from 8 s.
    const sample = calls(0, 10_000, 5, (i, at) =>
      (at >= 6000 && at < 7200) || at >= 8000 ? i % 2 : 0,
    );
    const windows = splitOverWindows(sample, windowing);
    expect(windows.some((w) => w.endMs < 7500 && splitDistance(w.shares, [0.5, 0.5]) <= 0.1)).toBe(
      true,
    );
    expect(recoveryTimeMs(windows, options)).toBe(3800);
  });

  it("is undefined when the split never gets there", () => {
    const sample = calls(0, 10_000, 5, () => 0);
    expect(recoveryTimeMs(splitOverWindows(sample, windowing), options)).toBeUndefined();
  });
});
