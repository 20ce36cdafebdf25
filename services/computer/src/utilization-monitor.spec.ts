import { describe, expect, it } from "vitest";
import { UtilizationMonitor } from "./utilization-monitor.js";

describe("UtilizationMonitor", () => {
  it("merges its sources into one sample and publishes it to every subscriber", () => {
    const monitor = new UtilizationMonitor([
      () =>
        new Map([
          ["arm", 0.25],
          ["bm2837", 0],
        ]),
      () => new Map([["js", 0.5]]),
    ]);
    const seen: Record<string, number>[] = [];
    const unsubscribe = monitor.subscribe((values) => seen.push(Object.fromEntries(values)));
    monitor.sample();
    unsubscribe();
    monitor.sample();
    expect(seen).toEqual([{ arm: 0.25, bm2837: 0, js: 0.5 }]);
    expect(monitor.subscribers).toBe(0);
  });

  it("keeps per-processor loads of the samples taken so far", () => {
    let next = 0.1;
    const monitor = new UtilizationMonitor([() => new Map([["arm", next]])]);
    expect(monitor.loads("arm")).toEqual({ load1: 0, load10: 0, load30: 0 });
    monitor.sample();
    next = 0.3;
    monitor.sample();
    expect(monitor.loads("arm")).toEqual({ load1: 30, load10: 20, load30: 20 });
    expect(monitor.loads("unknown")).toEqual({ load1: 0, load10: 0, load30: 0 });
    expect(monitor.latest).toEqual(new Map([["arm", 0.3]]));
  });
});
