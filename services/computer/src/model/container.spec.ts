import { describe, expect, it } from "vitest";
import { Container, ContainerError, type SimTask } from "./container.js";
import { Processor } from "./processor.js";

const lambda = {
  name: "L",
  requirements: { kind: "fixed", ops: 1, mem: 1 },
  output: { kind: "copy-input" },
} as const;

function setup(workers: number, memory = 1000) {
  const processor = new Processor({ name: "P", type: "GenericCpu", speed: 42, cores: 1, memory });
  return {
    processor,
    container: new Container({ name: "C", processor: "P", lambda, workers }, processor),
  };
}

let nextId = 0;
function task(mem: number, ops = 1): SimTask {
  const id = nextId++;
  return { id, lambda: "L", ops, mem, output: `${id}`, submittedAt: 0, residual: ops };
}

describe("Container", () => {
  it("prints as the reference does (§5.7)", () => {
    const { container } = setup(5);
    container.submit(task(1));
    expect(String(container)).toBe(
      "container name C, lambda name L, num-workers 5, active 1, pending 0",
    );
  });

  it("rejects a container without workers", () => {
    const { processor } = setup(1);
    expect(
      () => new Container({ name: "C", processor: "P", lambda, workers: 0 }, processor),
    ).toThrow(ContainerError);
  });

  it("starts a task at once while a worker and the memory are free, else queues it", () => {
    const { container, processor } = setup(2);
    container.submit(task(1));
    container.submit(task(1));
    container.submit(task(1));
    expect([container.active.length, container.pending.length]).toEqual([2, 1]);
    expect([processor.running, processor.usedMemory]).toEqual([2, 2]);
  });

  it("lets a small task overtake a pending big one at submit time (§5.1)", () => {
    const { container } = setup(5, 1000);
    const running = task(600);
    const big = task(600);
    const small = task(100);
    container.submit(running);
    container.submit(big);
    container.submit(small);
    expect(container.active).toEqual([running, small]);
    expect(container.pending).toEqual([big]);
  });

  it("admits pending tasks in FIFO order and stops at the first that does not fit", () => {
    const { container, processor } = setup(5, 1000);
    const first = task(900);
    const big = task(600);
    const small = task(50);
    container.submit(first);
    container.submit(big);
    // `small` fits at submit time, so it runs; submit another small one behind `big` while full
    container.submit(small);
    const blockedSmall = task(60);
    container.submit(blockedSmall);
    expect(container.pending).toEqual([big, blockedSmall]);

    container.complete(small);
    // 50 bytes came back: still not enough for `big`, and `blockedSmall` waits behind it
    expect(container.admitPending()).toBe(0);
    expect(container.pending).toEqual([big, blockedSmall]);

    container.complete(first);
    expect(container.admitPending()).toBe(2);
    expect(container.active).toEqual([big, blockedSmall]);
    expect(processor.usedMemory).toBe(660);
  });

  it("admits no more pending tasks than free workers", () => {
    const { container } = setup(2);
    const tasks = [task(1), task(1), task(1), task(1), task(1)];
    for (const t of tasks) container.submit(t);
    container.complete(tasks[0] as SimTask);
    expect(container.admitPending()).toBe(1);
    expect(container.active).toEqual([tasks[1], tasks[2]]);
    expect(container.pending).toEqual([tasks[3], tasks[4]]);
  });

  it("gives the time to the nearest completion at the current per-task speed", () => {
    const { container } = setup(5);
    expect(container.timeToNextCompletion()).toBeUndefined();
    const slow = task(1, 10);
    container.submit(slow);
    container.submit(task(1, 2));
    // two tasks on one core: 21 ops/s each; the 2-op task ends first
    expect(container.timeToNextCompletion()).toBeCloseTo((2 / 21) * 1000, 9);
  });

  it("refuses to complete a task that is not active", () => {
    const { container } = setup(1);
    container.submit(task(1));
    const pending = task(1);
    container.submit(pending);
    expect(() => container.complete(pending)).toThrow(/is not active/);
  });
});
