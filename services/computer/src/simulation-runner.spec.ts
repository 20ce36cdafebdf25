import { describe, expect, it } from "vitest";
import { ManualTime } from "@soe/testing";
import { SimulatedComputer } from "./model/simulated-computer.js";
import { SimulationRunner } from "./simulation-runner.js";

function setup() {
  const time = new ManualTime();
  const computer = new SimulatedComputer("c");
  computer.addProcessor({ name: "P", type: "GenericCpu", speed: 1000, cores: 1, memory: 1e6 });
  computer.addContainer({
    name: "C",
    processor: "P",
    workers: 4,
    lambda: {
      name: "L",
      requirements: { kind: "proportional", opCoeff: 1, opOffset: 0, memCoeff: 0, memOffset: 0 },
      output: { kind: "copy-input" },
    },
  });
  const runner = new SimulationRunner(computer, { clock: time.clock, schedule: time.schedule });
  return { time, runner };
}

describe("SimulationRunner", () => {
  it("settles a call when its timer fires at the model's completion instant", async () => {
    const { time, runner } = setup();
    const { submission, done } = runner.run("L", "x".repeat(200));
    expect(submission).toEqual({ id: 0, processor: "P", output: "x".repeat(200) });
    time.advanceTo(199);
    let settled = false;
    void done.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    time.advanceTo(1000);
    await expect(done).resolves.toMatchObject({ ptime: 200, completedAt: 200 });
    expect(time.pending).toBe(0);
  });

  it("makes two calls at once take twice as long as one", async () => {
    const { time, runner } = setup();
    const a = runner.run("L", "x".repeat(200)).done;
    const b = runner.run("L", "x".repeat(200)).done;
    time.advanceTo(1000);
    expect((await Promise.all([a, b])).map((c) => c.ptime)).toEqual([400, 400]);
  });

  it("re-rates a running call when another arrives later", async () => {
    const { time, runner } = setup();
    const a = runner.run("L", "x".repeat(200)).done;
    time.advanceTo(100);
    const b = runner.run("L", "x".repeat(100)).done;
    time.advanceTo(1000);
    // a: 100 ops alone, then 100 more at half speed (200 ms) → 300 ms; b: 100 ops shared → 200 ms
    expect((await a).ptime).toBe(300);
    expect((await b).ptime).toBe(200);
  });

  it("re-arms a timer that fires early, settling only at the completion instant", async () => {
    const time = new ManualTime();
    const { runner: base } = setup();
    // a scheduler whose timers fire halfway to their deadline
    const runner = new SimulationRunner(base.computer, {
      clock: time.clock,
      schedule: (delay, run) => time.schedule(Math.ceil(delay / 2), run),
    });
    const { done } = runner.run("L", "x".repeat(10));
    let settledAt: number | undefined;
    void done.then(() => {
      settledAt = time.now;
    });
    for (let t = 1; t <= 20; t++) {
      time.advanceTo(t);
      await Promise.resolve();
    }
    expect(settledAt).toBe(10);
    await expect(done).resolves.toMatchObject({ ptime: 10 });
  });

  it("estimates at the current time", () => {
    const { time, runner } = setup();
    runner.run("L", "x".repeat(100));
    time.advanceTo(50);
    // 50 ops left; a new 100-op task would share the core: 200 ms
    expect(runner.estimate("L", "x".repeat(100))).toBeCloseTo(200, 9);
  });

  it("fails calls still running when closed, and refuses new ones", async () => {
    const { time, runner } = setup();
    const { done } = runner.run("L", "x".repeat(100));
    runner.close();
    await expect(done).rejects.toThrow("edge computer closed");
    expect(time.pending).toBe(0);
    expect(() => runner.run("L", "x")).toThrow("edge computer closed");
  });

  it("throws at once for an unknown lambda", () => {
    const { runner } = setup();
    expect(() => runner.run("nope", "")).toThrow("No container for lambda nope");
  });
});
