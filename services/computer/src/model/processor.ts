/** Reference §5.1: a processor is either a generic CPU or a generic GPU; the type is descriptive. */
export type ProcessorType = "GenericCpu" | "GenericGpu";

export interface ProcessorSpec {
  readonly name: string;
  readonly type: ProcessorType;
  /** Operations per second of one core. */
  readonly speed: number;
  readonly cores: number;
  /** Memory, bytes. */
  readonly memory: number;
}

/** A processor specification or a memory operation is not valid. */
export class ProcessorError extends Error {
  override readonly name = "ProcessorError";
}

/**
 * A simulated processor (reference §5.1): shared by every task running on it, across all the
 * containers it hosts, with processor sharing — n running tasks each progress at
 * `min(C, n)·S / n` ops/s, so up to C tasks run at full speed and beyond that they slow down.
 * Memory is held by active tasks only.
 */
export class Processor {
  readonly name: string;
  readonly type: ProcessorType;
  readonly speed: number;
  readonly cores: number;
  readonly memory: number;
  #used = 0;
  #running = 0;

  constructor(spec: ProcessorSpec) {
    if (spec.name === "") throw new ProcessorError("Invalid empty processor name");
    if (!(spec.speed > 0)) {
      throw new ProcessorError(`Invalid speed of processor ${spec.name}: ${spec.speed}`);
    }
    if (!Number.isInteger(spec.cores) || spec.cores < 1) {
      throw new ProcessorError(`Invalid number of cores of processor ${spec.name}: ${spec.cores}`);
    }
    if (!(spec.memory >= 1)) {
      throw new ProcessorError(`Invalid memory of processor ${spec.name}: ${spec.memory}`);
    }
    this.name = spec.name;
    this.type = spec.type;
    this.speed = spec.speed;
    this.cores = spec.cores;
    this.memory = spec.memory;
  }

  get usedMemory(): number {
    return this.#used;
  }

  get availableMemory(): number {
    return this.memory - this.#used;
  }

  /** Tasks running on this processor now, across all its containers. */
  get running(): number {
    return this.#running;
  }

  /** Ops/s each task gets with `n` tasks running (default: the current count); 0 when idle. */
  speedPerTask(n: number = this.#running): number {
    return n === 0 ? 0 : (Math.min(this.cores, n) * this.speed) / n;
  }

  allocate(bytes: number): void {
    if (bytes > this.availableMemory) {
      throw new ProcessorError(
        `Cannot allocate ${bytes} bytes on processor ${this.name}: only ${this.availableMemory} available`,
      );
    }
    this.#used += bytes;
  }

  free(bytes: number): void {
    if (bytes > this.#used) {
      throw new ProcessorError(
        `Cannot free ${bytes} bytes on processor ${this.name}: only ${this.#used} in use`,
      );
    }
    this.#used -= bytes;
  }

  /** A task became active (memory is allocated separately, by whoever admitted it). */
  startTask(): void {
    this.#running++;
  }

  finishTask(): void {
    if (this.#running === 0) throw new ProcessorError(`No task running on processor ${this.name}`);
    this.#running--;
  }

  /** The reference's printable form (§5.7), asserted by its tests. */
  toString(): string {
    return (
      `processor name ${this.name}, type ${this.type}, ${this.cores} cores, ` +
      `speed ${this.speed} operations/s per core, memory total/available/used ` +
      `${this.memory}/${this.availableMemory}/${this.#used} bytes, ${this.#running} running tasks`
    );
  }
}
