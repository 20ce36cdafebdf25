import { describe, expect, it } from "vitest";
import { DestinationLoad } from "./destination-load.js";
import { FakeClock } from "@soe/testing";

describe("DestinationLoad", () => {
  it("counts calls in flight per destination, from start to finish", () => {
    const time = new FakeClock(0);
    const load = new DestinationLoad(time.clock);
    const counter = load.counter("a");
    const first = load.start("a");
    const second = load.start("a");
    load.start("b");
    expect([counter.inFlight, load.inFlight("b"), load.inFlight("c")]).toEqual([2, 1, 0]);
    load.finish(first);
    load.finish(second);
    expect(counter.inFlight).toBe(0); // the same live counter policies hold
  });

  it("tells a call's processor-sharing alone time: latency over the calls that shared it", () => {
    const time = new FakeClock(0);
    const load = new DestinationLoad(time.clock);
    const a = load.start("d");
    time.advance(100); // alone: 100 ms of service
    const b = load.start("d");
    time.advance(200); // shared by two: 100 ms each
    const sampleA = load.finish(a);
    expect(sampleA.seconds).toBeCloseTo(0.3, 12);
    expect(sampleA.alone).toBeCloseTo(0.2, 12);
    time.advance(50); // b alone again
    const sampleB = load.finish(b);
    expect(sampleB.seconds).toBeCloseTo(0.25, 12);
    expect(sampleB.alone).toBeCloseTo(0.15, 12);
  });

  it("reports a call that ran alone with alone = latency", () => {
    const time = new FakeClock(5);
    const load = new DestinationLoad(time.clock);
    const t = load.start("d");
    time.advance(40);
    expect(load.finish(t)).toEqual({ seconds: 0.04, alone: 0.04 });
  });
});
