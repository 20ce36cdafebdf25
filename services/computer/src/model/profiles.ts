import type { ContainerSpec } from "./container.js";
import type { ProcessorSpec } from "./processor.js";
import { SimulatedComputer } from "./simulated-computer.js";
import type { Requirements } from "./sim-lambda.js";

/** What a simulated computer is made of: processors, then containers on them. */
export interface ComputerProfile {
  readonly processors: readonly ProcessorSpec[];
  readonly containers: readonly ContainerSpec[];
}

const GiB = 1024 ** 3;

/** Reference §5.2: the CPU lambdas' requirements, `ops = 4e6 + 1e6·L`, `mem = 100·L`. */
export const CPU_LAMBDA_REQUIREMENTS: Requirements = {
  kind: "proportional",
  opCoeff: 1e6,
  opOffset: 4e6,
  memCoeff: 100,
  memOffset: 0,
};

/** Reference §5.2: the GPU lambdas' requirements, `ops = 1e6 + 1e6·L`, `mem = 100·L`. */
export const GPU_LAMBDA_REQUIREMENTS: Requirements = {
  kind: "proportional",
  opCoeff: 1e6,
  opOffset: 1e6,
  memCoeff: 100,
  memOffset: 0,
};

export interface RaspberryOptions {
  readonly cpuContainers: number;
  readonly cpuWorkers: number;
  readonly gpuContainers: number;
  readonly gpuWorkers: number;
}

/**
 * Reference §5.2 `raspberry`: a 4-core `arm` CPU and a 1-core `bm2837` GPU (1e11 ops/s per core,
 * 0.5 GiB each); containers `ccontainer{i}` → `clambda{i}` on arm and `gcontainer{i}` →
 * `glambda{i}` on bm2837, numbered down from N−1 as in the reference (CPU ones first).
 */
export function raspberryProfile(options: RaspberryOptions): ComputerProfile {
  const containers: ContainerSpec[] = [];
  for (let i = options.cpuContainers - 1; i >= 0; i--) {
    containers.push(cpuContainer(i, "arm", options.cpuWorkers));
  }
  for (let i = options.gpuContainers - 1; i >= 0; i--) {
    containers.push({
      name: `gcontainer${i}`,
      processor: "bm2837",
      workers: options.gpuWorkers,
      lambda: {
        name: `glambda${i}`,
        requirements: GPU_LAMBDA_REQUIREMENTS,
        output: { kind: "copy-input" },
      },
    });
  }
  return {
    processors: [
      { name: "arm", type: "GenericCpu", speed: 1e11, cores: 4, memory: GiB / 2 },
      { name: "bm2837", type: "GenericGpu", speed: 1e11, cores: 1, memory: GiB / 2 },
    ],
    containers,
  };
}

export interface IntelServerOptions {
  readonly containers: number;
  readonly workers: number;
}

/**
 * Reference §5.2 `intel-server`: one 20-core `xeon` (4e9 ops/s per core, 128 GiB) with containers
 * `ccontainer{i}` → `clambda{i}`.
 */
export function intelServerProfile(options: IntelServerOptions): ComputerProfile {
  const containers: ContainerSpec[] = [];
  for (let i = options.containers - 1; i >= 0; i--) {
    containers.push(cpuContainer(i, "xeon", options.workers));
  }
  return {
    processors: [{ name: "xeon", type: "GenericCpu", speed: 4e9, cores: 20, memory: 128 * GiB }],
    containers,
  };
}

/** A profile with no simulated lambda, for a computer that only runs JavaScript functions. */
export const EMPTY_PROFILE: ComputerProfile = { processors: [], containers: [] };

/** Builds the model; duplicate or unknown names throw the model's errors. */
export function buildComputer(
  name: string,
  profile: ComputerProfile,
  start = 0,
): SimulatedComputer {
  const computer = new SimulatedComputer(name, start);
  for (const processor of profile.processors) computer.addProcessor(processor);
  for (const container of profile.containers) computer.addContainer(container);
  return computer;
}

function cpuContainer(i: number, processor: string, workers: number): ContainerSpec {
  return {
    name: `ccontainer${i}`,
    processor,
    workers,
    lambda: {
      name: `clambda${i}`,
      requirements: CPU_LAMBDA_REQUIREMENTS,
      output: { kind: "copy-input" },
    },
  };
}
