import { describe, expect, it } from "vitest";
import type { ProcessorSpec } from "./processor.js";
import type { Requirements } from "./sim-lambda.js";
import {
  ComputerConfigError,
  SimulatedComputer,
  TaskTooLargeError,
  UnknownLambdaError,
} from "./simulated-computer.js";

const ONE_OP: Requirements = { kind: "fixed", ops: 1, mem: 1 };

/** One processor `P` of `speed` ops/s per core with one container `C` running lambda `L`. */
function computer(options: {
  speed?: number;
  cores?: number;
  memory?: number;
  workers?: number;
  requirements?: Requirements;
}): SimulatedComputer {
  const c = new SimulatedComputer("computer@test");
  c.addProcessor({
    name: "P",
    type: "GenericCpu",
    speed: options.speed ?? 42,
    cores: options.cores ?? 1,
    memory: options.memory ?? 1e9,
  });
  c.addContainer({
    name: "C",
    processor: "P",
    workers: options.workers ?? 5,
    lambda: {
      name: "L",
      requirements: options.requirements ?? ONE_OP,
      output: { kind: "copy-input" },
    },
  });
  return c;
}

describe("SimulatedComputer: reference §5.7 facts", () => {
  it("sets the time to the nearest completion to active/42 s for W=5, ops=1, speed 42", () => {
    const c = computer({ speed: 42, workers: 5 });
    for (let i = 0; i < 8; i++) {
      c.submit("L", `input${i}`);
      const active = Math.min(i + 1, 5);
      expect((c.nextCompletionAt() as number) - c.now).toBeCloseTo((active / 42) * 1000, 9);
    }
  });

  it("pops tasks in submission order, each with its input copied as output", () => {
    const c = computer({ speed: 42, workers: 5 });
    for (let i = 0; i < 8; i++) c.submit("L", `input${i}`);
    const popped = [];
    for (let at = c.nextCompletionAt(); at !== undefined; at = c.nextCompletionAt()) {
      popped.push(...c.advance(at));
    }
    expect(popped.map((p) => p.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(popped.map((p) => p.output)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `input${i}`));
    // the first five share the core for 5/42 s; the last three then for 3/42 s more
    expect(popped.map((p) => p.completedAt)).toEqual([
      ...Array(5).fill(expect.closeTo((5 / 42) * 1000, 9)),
      ...Array(3).fill(expect.closeTo((8 / 42) * 1000, 9)),
    ]);
  });

  it("simulate(): (2+i)/S while workers are free, 5(i−2)/S once busy, 35/S after 10 pushes", () => {
    const S = 42;
    const c = computer({ speed: S, workers: 5 });
    for (let i = 0; i < 10; i++) {
      c.submit("L", "x");
      const expected = i < 4 ? (2 + i) / S : (5 * (i - 2)) / S;
      expect(c.estimate("L", "x")).toBeCloseTo(expected * 1000, 9);
    }
    expect(c.estimate("L", "x")).toBeCloseTo((35 / S) * 1000, 9);
  });

  it("emits ids 0, 1, 2, … and copies the input to the output", () => {
    const c = computer({});
    expect([0, 1, 2].map((i) => c.submit("L", `in${i}`))).toEqual([
      { id: 0, processor: "P", output: "in0" },
      { id: 1, processor: "P", output: "in1" },
      { id: 2, processor: "P", output: "in2" },
    ]);
  });

  it("raises specific errors for duplicate names and unknown processors", () => {
    const c = computer({});
    const cpu: ProcessorSpec = { name: "P", type: "GenericCpu", speed: 1, cores: 1, memory: 1 };
    const lambda = { name: "M", requirements: ONE_OP, output: { kind: "copy-input" } } as const;
    expect(() => c.addProcessor(cpu)).toThrow("Duplicate processor name: P");
    expect(() => c.addContainer({ name: "C", processor: "P", workers: 1, lambda })).toThrow(
      "Duplicate container name: C",
    );
    expect(() =>
      c.addContainer({ name: "D", processor: "P", workers: 1, lambda: { ...lambda, name: "L" } }),
    ).toThrow("Duplicate lambda name: L");
    expect(() => c.addContainer({ name: "D", processor: "Q", workers: 1, lambda })).toThrow(
      ComputerConfigError,
    );
    expect(() => c.addContainer({ name: "D", processor: "Q", workers: 1, lambda })).toThrow(
      "Unknown processor Q for container D",
    );
  });

  it("prints itself, its processors and its containers", () => {
    const c = new SimulatedComputer("NAME");
    c.addProcessor({ name: "P", type: "GenericCpu", speed: 100, cores: 1, memory: 1000 });
    c.addContainer({
      name: "C",
      processor: "P",
      workers: 3,
      lambda: { name: "L", requirements: ONE_OP, output: { kind: "copy-input" } },
    });
    expect(String(c)).toBe(
      [
        "computer NAME",
        "processor name P, type GenericCpu, 1 cores, speed 100 operations/s per core, memory total/available/used 1000/1000/0 bytes, 0 running tasks",
        "container name C, lambda name L, num-workers 3, active 0, pending 0",
      ].join("\n"),
    );
  });
});

describe("SimulatedComputer: processor sharing", () => {
  it("runs up to C tasks at full speed and slows down beyond", () => {
    const c = computer({
      speed: 1000,
      cores: 2,
      workers: 10,
      requirements: { kind: "fixed", ops: 1000, mem: 0 },
    });
    c.submit("L", "a");
    c.submit("L", "b");
    expect(c.nextCompletionAt()).toBeCloseTo(1000, 9);
    c.submit("L", "c");
    c.submit("L", "d");
    // four tasks on two cores: half speed each
    expect(c.nextCompletionAt()).toBeCloseTo(2000, 9);
  });

  it("shares a processor among the tasks of all its containers", () => {
    const c = computer({ speed: 100, requirements: { kind: "fixed", ops: 100, mem: 0 } });
    c.addContainer({
      name: "C2",
      processor: "P",
      workers: 1,
      lambda: {
        name: "L2",
        requirements: { kind: "fixed", ops: 50, mem: 0 },
        output: { kind: "fixed", value: "two" },
      },
    });
    c.submit("L", "one");
    c.submit("L2", "ignored");
    // 50 ops/s each: L2 ends at 1 s; L has 50 ops left, then runs alone at 100 ops/s
    const first = c.advance(1000);
    expect(first.map((x) => [x.lambda, x.output, x.ptime])).toEqual([["L2", "two", 1000]]);
    expect(c.nextCompletionAt()).toBeCloseTo(1500, 9);
    expect(c.advance(2000).map((x) => [x.lambda, x.ptime])).toEqual([["L", 1500]]);
  });

  it("changes rates exactly at events, however coarsely the clock moves", () => {
    const run = (steps: number[]) => {
      const c = computer({
        speed: 10,
        workers: 2,
        requirements: { kind: "proportional", opCoeff: 1, opOffset: 0, memCoeff: 0, memOffset: 0 },
      });
      c.submit("L", "x".repeat(10));
      c.advance(500);
      c.submit("L", "x".repeat(20));
      c.submit("L", "x".repeat(5));
      const done = [];
      for (const at of steps) done.push(...c.advance(at));
      return done.map((d) => [d.id, d.completedAt, d.ptime]);
    };
    const coarse = run([60_000]);
    const fine = run(Array.from({ length: 600 }, (_, i) => 500 + (i + 1) * 100));
    expect(coarse).toEqual(fine);
    // task 0: 5 ops left at 0.5 s, then shares with task 1 (task 2 pending): ends at 1.5 s;
    // task 2 starts at 1.5 s, with 10 of task 1's 20 ops done; it ends at 2.5 s; task 1 at 3.5 s
    expect(coarse.map(([id, at]) => [id, Math.round(at as number)])).toEqual([
      [0, 1500],
      [2, 2500],
      [1, 3500],
    ]);
    // ptime counts from submission, pending time included (§5.1)
    expect(coarse.map(([id, , ptime]) => [id, ptime])).toEqual([
      [0, 1500],
      [2, 2000],
      [1, 3000],
    ]);
  });

  it("completes a zero-operation task at its submission instant", () => {
    const c = computer({ requirements: { kind: "fixed", ops: 0, mem: 0 } });
    c.advance(10);
    c.submit("L", "now");
    expect(c.advance(10).map((d) => [d.output, d.completedAt, d.ptime])).toEqual([["now", 10, 0]]);
  });
});

describe("SimulatedComputer: memory", () => {
  it("rejects a task needing more memory than the processor has, naming both values", () => {
    const c = computer({ memory: 1000, requirements: { kind: "fixed", ops: 1, mem: 1001 } });
    expect(() => c.submit("L", "x")).toThrow(TaskTooLargeError);
    expect(() => c.submit("L", "x")).toThrow(/1001 bytes.*1000 bytes/);
  });

  it("keeps a task pending until memory is freed, in another container too", () => {
    const c = computer({ speed: 1, memory: 100, requirements: { kind: "fixed", ops: 1, mem: 80 } });
    c.addContainer({
      name: "C2",
      processor: "P",
      workers: 5,
      lambda: {
        name: "L2",
        requirements: { kind: "fixed", ops: 1, mem: 50 },
        output: { kind: "copy-input" },
      },
    });
    c.submit("L", "a");
    c.submit("L2", "b");
    expect(c.containers.map((k) => [k.active.length, k.pending.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // `a` alone at 1 op/s ends at 1 s; `b` starts then and ends at 2 s
    expect(c.advance(5000).map((d) => [d.output, d.completedAt, d.ptime])).toEqual([
      ["a", 1000, 1000],
      ["b", 2000, 2000],
    ]);
  });

  it("throws for an unknown lambda", () => {
    const c = computer({});
    expect(() => c.submit("nope", "")).toThrow(UnknownLambdaError);
    expect(() => c.estimate("nope", "")).toThrow(UnknownLambdaError);
  });
});

describe("SimulatedComputer: dry estimates (§5.8)", () => {
  it("gives a lone task its full speed on an idle processor", () => {
    const c = computer({ speed: 100, requirements: { kind: "fixed", ops: 50, mem: 0 } });
    expect(c.estimate("L", "")).toBeCloseTo(500, 9);
  });

  it("ignores memory", () => {
    const c = computer({
      speed: 100,
      memory: 10,
      requirements: { kind: "fixed", ops: 50, mem: 1e6 },
    });
    expect(c.estimate("L", "")).toBeCloseTo(500, 9);
  });

  it("counts the residual, not the full, work of the first active task", () => {
    const c = computer({
      speed: 100,
      workers: 1,
      requirements: { kind: "fixed", ops: 100, mem: 0 },
    });
    c.submit("L", "");
    c.advance(400);
    // all busy: 60 ops left at 100 ops/s, then the new task's 100 ops
    expect(c.estimate("L", "")).toBeCloseTo(1600, 9);
  });
});

describe("SimulatedComputer: utilization (§5.4)", () => {
  it("is the time integral of running tasks over C·Δt, capped at 1", () => {
    const c = computer({
      speed: 1,
      cores: 2,
      workers: 10,
      requirements: { kind: "fixed", ops: 1, mem: 0 },
    });
    c.submit("L", "");
    c.advance(500);
    // one task during the whole first second, on two cores: 1 task·s / (2 cores · 1 s)
    c.advance(1000);
    expect(c.takeUtilization().get("P")).toBeCloseTo(0.5, 9);
    // four tasks on two cores during the next second: saturated
    for (let i = 0; i < 4; i++) c.submit("L", "");
    c.advance(2000);
    expect(c.takeUtilization().get("P")).toBe(1);
    c.advance(5000);
    c.takeUtilization();
    c.advance(6000);
    expect(c.takeUtilization().get("P")).toBe(0);
  });

  it("reports 0 for an empty interval", () => {
    const c = computer({});
    expect(c.takeUtilization()).toEqual(new Map([["P", 0]]));
  });
});
