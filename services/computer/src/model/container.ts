import type { Processor } from "./processor.js";
import type { SimLambdaSpec } from "./sim-lambda.js";

/** One invocation inside the model. Times are milliseconds of the injected clock. */
export interface SimTask {
  readonly id: number;
  readonly lambda: string;
  readonly ops: number;
  readonly mem: number;
  readonly output: string;
  readonly submittedAt: number;
  /** Operations still to execute. */
  residual: number;
}

export interface ContainerSpec {
  readonly name: string;
  /** Name of the processor the container runs on. */
  readonly processor: string;
  readonly lambda: SimLambdaSpec;
  readonly workers: number;
}

export class ContainerError extends Error {
  override readonly name = "ContainerError";
}

/**
 * A container (reference §5.1): one lambda, W workers, a FIFO queue of pending tasks. Admission
 * follows the reference to the letter: on submit a task becomes active iff a worker is free and
 * the processor has the memory, even if older tasks are pending (a small task may overtake a big
 * pending one); on completions, pending tasks are admitted in FIFO order and the first one that
 * does not fit blocks those behind it (head-of-line blocking, asserted by the reference's
 * container test).
 */
export class Container {
  readonly name: string;
  readonly lambda: SimLambdaSpec;
  readonly workers: number;
  readonly processor: Processor;
  /** Active tasks in admission order. */
  readonly active: SimTask[] = [];
  /** Pending tasks in submission order. */
  readonly pending: SimTask[] = [];

  constructor(spec: ContainerSpec, processor: Processor) {
    if (spec.name === "") throw new ContainerError("Invalid empty container name");
    if (!Number.isInteger(spec.workers) || spec.workers < 1) {
      throw new ContainerError(
        `Invalid number of workers of container ${spec.name}: ${spec.workers}`,
      );
    }
    this.name = spec.name;
    this.lambda = spec.lambda;
    this.workers = spec.workers;
    this.processor = processor;
  }

  /** True when every worker is busy. */
  get saturated(): boolean {
    return this.active.length >= this.workers;
  }

  /** Queues the task, or starts it at once if a worker and the memory are free. */
  submit(task: SimTask): void {
    if (this.#fits(task)) this.#start(task);
    else this.pending.push(task);
  }

  /** Starts pending tasks in FIFO order while the head fits; returns how many started. */
  admitPending(): number {
    let started = 0;
    for (
      let head = this.pending[0];
      head !== undefined && this.#fits(head);
      head = this.pending[0]
    ) {
      this.pending.shift();
      this.#start(head);
      started++;
    }
    return started;
  }

  /** Ops per ms each active task progresses at now. */
  ratePerMs(): number {
    return this.processor.speedPerTask() / 1000;
  }

  /** Milliseconds until the first active task completes at the current rates; undefined if idle. */
  timeToNextCompletion(): number | undefined {
    if (this.active.length === 0) return undefined;
    const rate = this.ratePerMs();
    let least = Number.POSITIVE_INFINITY;
    for (const task of this.active) least = Math.min(least, task.residual / rate);
    return least;
  }

  /** Removes a completed active task and gives back its worker and memory. */
  complete(task: SimTask): void {
    const index = this.active.indexOf(task);
    if (index < 0)
      throw new ContainerError(`Task ${task.id} is not active in container ${this.name}`);
    this.active.splice(index, 1);
    this.processor.free(task.mem);
    this.processor.finishTask();
  }

  /** The reference's printable form (§5.7). */
  toString(): string {
    return (
      `container name ${this.name}, lambda name ${this.lambda.name}, num-workers ${this.workers}, ` +
      `active ${this.active.length}, pending ${this.pending.length}`
    );
  }

  #fits(task: SimTask): boolean {
    return !this.saturated && this.processor.availableMemory >= task.mem;
  }

  #start(task: SimTask): void {
    this.processor.allocate(task.mem);
    this.processor.startTask();
    this.active.push(task);
  }
}
