import { describe, expect, it } from "vitest";
import { Processor, ProcessorError } from "./processor.js";

const spec = { name: "P", type: "GenericCpu", speed: 100, cores: 1, memory: 1000 } as const;

describe("Processor", () => {
  it("prints as the reference does (§5.7)", () => {
    expect(String(new Processor(spec))).toBe(
      "processor name P, type GenericCpu, 1 cores, speed 100 operations/s per core, " +
        "memory total/available/used 1000/1000/0 bytes, 0 running tasks",
    );
  });

  it.each([
    [{ name: "" }, /empty processor name/],
    [{ speed: 0 }, /Invalid speed/],
    [{ cores: 0 }, /Invalid number of cores/],
    [{ cores: 1.5 }, /Invalid number of cores/],
    [{ memory: 0 }, /Invalid memory/],
  ])("rejects %j", (change, message) => {
    expect(() => new Processor({ ...spec, ...change })).toThrow(message);
  });

  it("allocates and frees memory, refusing over-allocation and over-free", () => {
    const p = new Processor(spec);
    p.allocate(600);
    expect([p.availableMemory, p.usedMemory]).toEqual([400, 600]);
    expect(() => p.allocate(401)).toThrow(ProcessorError);
    p.allocate(400);
    expect(p.availableMemory).toBe(0);
    p.free(1000);
    expect(() => p.free(1)).toThrow(/Cannot free 1 bytes on processor P/);
    expect(p.usedMemory).toBe(0);
  });

  it("shares its cores among running tasks: min(C, n)·S / n each", () => {
    const p = new Processor({ ...spec, cores: 4 });
    expect(p.speedPerTask(0)).toBe(0);
    expect(p.speedPerTask(1)).toBe(100);
    expect(p.speedPerTask(4)).toBe(100);
    expect(p.speedPerTask(8)).toBe(50);
    expect(p.speedPerTask(5)).toBe(80);
  });

  it("counts running tasks and prints them", () => {
    const p = new Processor(spec);
    p.startTask();
    p.startTask();
    p.allocate(10);
    expect(p.running).toBe(2);
    expect(p.speedPerTask()).toBe(50);
    expect(String(p)).toContain("memory total/available/used 1000/990/10 bytes, 2 running tasks");
    p.finishTask();
    p.finishTask();
    expect(() => p.finishTask()).toThrow(ProcessorError);
  });
});
