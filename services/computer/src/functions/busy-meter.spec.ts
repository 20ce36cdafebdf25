import { describe, expect, it } from "vitest";
import { BusyMeter } from "./busy-meter.js";

describe("BusyMeter", () => {
  it("integrates busy slots over capacity·Δt, capped at 1", () => {
    let now = 0;
    const meter = new BusyMeter(() => now, 4);
    meter.start();
    now = 500;
    meter.start();
    now = 1000;
    // 1 slot for 1 s + 1 slot for 0.5 s over 4 slots·1 s
    expect(meter.take()).toBeCloseTo(1.5 / 4, 9);
    for (let i = 0; i < 6; i++) meter.start();
    now = 2000;
    expect(meter.take()).toBe(1);
    for (let i = 0; i < 8; i++) meter.finish();
    now = 3000;
    expect(meter.take()).toBe(0);
  });

  it("reports 0 over an empty interval", () => {
    const meter = new BusyMeter(() => 0, 1);
    meter.start();
    expect(meter.take()).toBe(0);
  });
});
