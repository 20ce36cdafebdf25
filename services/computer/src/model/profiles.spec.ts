import { describe, expect, it } from "vitest";
import { buildComputer, intelServerProfile, raspberryProfile } from "./profiles.js";

const summary = (profile: ReturnType<typeof raspberryProfile>) =>
  profile.containers.map((c) => `${c.name}/${c.processor}/${c.lambda.name}/${c.workers}`);

describe("built-in profiles (reference §5.2)", () => {
  it("raspberry: arm and bm2837, clambda{i} and glambda{i} numbered down", () => {
    const profile = raspberryProfile({
      cpuContainers: 2,
      cpuWorkers: 4,
      gpuContainers: 1,
      gpuWorkers: 2,
    });
    expect(profile.processors).toEqual([
      { name: "arm", type: "GenericCpu", speed: 1e11, cores: 4, memory: 2 ** 29 },
      { name: "bm2837", type: "GenericGpu", speed: 1e11, cores: 1, memory: 2 ** 29 },
    ]);
    expect(summary(profile)).toEqual([
      "ccontainer1/arm/clambda1/4",
      "ccontainer0/arm/clambda0/4",
      "gcontainer0/bm2837/glambda0/2",
    ]);
  });

  it("intel-server: one 20-core xeon with clambda{i}", () => {
    const profile = intelServerProfile({ containers: 1, workers: 1 });
    expect(profile.processors).toEqual([
      { name: "xeon", type: "GenericCpu", speed: 4e9, cores: 20, memory: 128 * 2 ** 30 },
    ]);
    expect(summary(profile)).toEqual(["ccontainer0/xeon/clambda0/1"]);
  });

  it("gives the reference's worked numbers for a 100-byte clambda0 call", () => {
    const input = "A".repeat(100);
    const raspberry = buildComputer(
      "r",
      raspberryProfile({ cpuContainers: 1, cpuWorkers: 4, gpuContainers: 1, gpuWorkers: 2 }),
    );
    const intel = buildComputer("i", intelServerProfile({ containers: 1, workers: 1 }));
    // 1.04e8 ops: ≈1 ms at 1e11 ops/s, 26 ms at 4e9 ops/s
    expect(raspberry.estimate("clambda0", input)).toBeCloseTo(1.04, 9);
    expect(intel.estimate("clambda0", input)).toBeCloseTo(26, 9);
    // glambda0: 1.01e8 ops on the GPU
    expect(raspberry.estimate("glambda0", input)).toBeCloseTo(1.01, 9);
  });

  it("takes clambda0's ≈0.251 s for 1000 bytes on intel-server (reference §5.4 acceptance)", () => {
    const intel = buildComputer("i", intelServerProfile({ containers: 1, workers: 1 }));
    intel.submit("clambda0", "A".repeat(1000));
    expect(intel.nextCompletionAt()).toBeCloseTo(251, 9);
    intel.advance(251);
    // one task on one of 20 cores
    expect(intel.takeUtilization().get("xeon")).toBeCloseTo(0.05, 9);
  });
});
