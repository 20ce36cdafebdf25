import { describe, expect, it } from "vitest";
import { InstallIdleSignal } from "./install-idle.js";

function manualScheduler() {
  const timers: { run: () => void; cancelled: boolean }[] = [];
  return {
    timers,
    schedule: (_ms: number, run: () => void) => {
      const timer = { run, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    fire: () => {
      for (const t of timers.splice(0)) if (!t.cancelled) t.run();
    },
  };
}

describe("install idle signal", () => {
  it("answers at once when no router has anything pending", async () => {
    const signal = new InstallIdleSignal(() => false);
    await expect(signal.wait(1_000)).resolves.toBe(true);
  });

  it("waits until the last busy queue empties, not the first", async () => {
    let busy = 2;
    const clock = manualScheduler();
    const signal = new InstallIdleSignal(() => busy > 0, clock.schedule);
    const waiting = signal.wait(5_000);
    busy = 1;
    signal.idle();
    busy = 0;
    signal.idle();
    await expect(waiting).resolves.toBe(true);
    expect(clock.timers.every((t) => t.cancelled)).toBe(true);
  });

  it("gives up after the timeout while a router stays busy", async () => {
    const clock = manualScheduler();
    const signal = new InstallIdleSignal(() => true, clock.schedule);
    const waiting = signal.wait(5_000);
    signal.idle();
    clock.fire();
    await expect(waiting).resolves.toBe(false);
  });
});
