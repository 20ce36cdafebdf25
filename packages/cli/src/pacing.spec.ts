import { describe, expect, it } from "vitest";
import { ArrivalSchedule, ClosedLoopPacer, gapSampler, parseInterRequestType } from "./pacing.js";
import { RandomStream, randomStream } from "./random-streams.js";

/** An rng replaying the given numbers. */
function replay(...values: number[]): () => number {
  let i = 0;
  return () => {
    const value = values[i++];
    if (value === undefined) throw new Error("rng exhausted");
    return value;
  };
}

const draws = (draw: () => number, n: number) => Array.from({ length: n }, draw);

describe("gapSampler", () => {
  it("gives the mean itself for constant gaps, without drawing", () => {
    expect(draws(gapSampler("constant", 250, replay()), 3)).toEqual([250, 250, 250]);
  });

  it("draws uniform gaps in [0, 2·mean)", () => {
    expect(draws(gapSampler("uniform", 100, replay(0, 0.25, 0.5, 0.999)), 4)).toEqual([
      0, 50, 100, 199.8,
    ]);
  });

  it("draws exponential gaps for poisson arrivals", () => {
    const gaps = draws(gapSampler("poisson", 100, replay(0, 0.5, 1 - Math.exp(-2))), 3);
    expect(gaps[0]).toBe(0);
    expect(gaps[1]).toBeCloseTo(100 * Math.LN2, 10);
    expect(gaps[2]).toBeCloseTo(200, 10);
  });

  it("gives gaps of 0 for a poisson mean of 0 (the reference's default inter-request time)", () => {
    expect(draws(gapSampler("poisson", 0, replay(0.3, 0.7)), 2)).toEqual([0, 0]);
  });

  it("replays the same seeded gaps, with the requested mean", () => {
    const seeded = () => gapSampler("poisson", 100, randomStream(42, 0, RandomStream.pacing));
    const first = draws(seeded(), 20_000);
    expect(draws(seeded(), 20_000)).toEqual(first);
    const mean = first.reduce((a, b) => a + b, 0) / first.length;
    expect(mean).toBeGreaterThan(97);
    expect(mean).toBeLessThan(103);
  });

  it("gives each client and purpose its own stream", () => {
    const a = draws(randomStream(1, 0, RandomStream.pacing), 5);
    expect(draws(randomStream(1, 1, RandomStream.pacing), 5)).not.toEqual(a);
    expect(draws(randomStream(1, 0, RandomStream.sizes), 5)).not.toEqual(a);
    expect(draws(randomStream(2, 0, RandomStream.pacing), 5)).not.toEqual(a);
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("parseInterRequestType", () => {
  it("accepts the reference's three types and rejects others with its message", () => {
    expect(parseInterRequestType("poisson")).toBe("poisson");
    expect(() => parseInterRequestType("exponential")).toThrow(
      "Invalid distribution type: exponential",
    );
  });
});

describe("ClosedLoopPacer", () => {
  it("waits until the next scheduled instant after each response", () => {
    const pacer = new ClosedLoopPacer(gapSampler("constant", 100, Math.random));
    expect(pacer.initialWait()).toBe(100);
    pacer.begin(100);
    expect(pacer.waitAfterResponse(130)).toBe(70); // next request at 200
    expect(pacer.waitAfterResponse(210)).toBe(90); // at 300
  });

  it("sends back to back when lagging, then catches up with the schedule", () => {
    const pacer = new ClosedLoopPacer(gapSampler("constant", 100, Math.random));
    pacer.begin(0);
    expect(pacer.waitAfterResponse(250)).toBe(-150); // scheduled at 100: 150 ms late
    expect(pacer.waitAfterResponse(260)).toBe(-60); // scheduled at 200
    expect(pacer.waitAfterResponse(270)).toBe(30); // scheduled at 300: back on time
  });

  it("draws a fresh gap for every request", () => {
    const pacer = new ClosedLoopPacer(gapSampler("uniform", 100, replay(0.5, 0.25, 0.75)));
    expect(pacer.initialWait()).toBe(100);
    pacer.begin(100);
    expect(pacer.waitAfterResponse(110)).toBe(40); // gap 50 → 150
    expect(pacer.waitAfterResponse(150)).toBe(150); // gap 150 → 300
  });
});

describe("ArrivalSchedule", () => {
  it("counts the arrivals due, catching up after a late wake-up", () => {
    const schedule = new ArrivalSchedule(gapSampler("constant", 10, Math.random), 0);
    expect(schedule.nextAt).toBe(10);
    expect(schedule.takeDue(5)).toBe(0);
    expect(schedule.takeDue(10)).toBe(1);
    expect(schedule.nextAt).toBe(20);
    expect(schedule.takeDue(55)).toBe(4); // 20, 30, 40, 50
    expect(schedule.nextAt).toBe(60);
  });

  it("takes at most the given number of arrivals", () => {
    const schedule = new ArrivalSchedule(gapSampler("constant", 10, Math.random), 100);
    expect(schedule.takeDue(1000, 3)).toBe(3);
    expect(schedule.nextAt).toBe(140);
  });

  it("follows the drawn gaps", () => {
    const schedule = new ArrivalSchedule(gapSampler("uniform", 10, replay(0.5, 0.1, 0.9)), 0);
    expect(schedule.nextAt).toBe(10);
    expect(schedule.takeDue(11)).toBe(1);
    expect(schedule.nextAt).toBe(12);
    expect(schedule.takeDue(12)).toBe(1);
    expect(schedule.nextAt).toBe(30);
  });
});
