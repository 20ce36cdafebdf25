import { Container, type ContainerSpec, type SimTask } from "./container.js";
import { Processor, type ProcessorSpec } from "./processor.js";
import { taskNeeds, taskOutput } from "./sim-lambda.js";

/** A processor, container or lambda that cannot be added (duplicate or unknown name). */
export class ComputerConfigError extends Error {
  override readonly name = "ComputerConfigError";
}

/** No container serves the lambda; the service turns this into the reference's retcode. */
export class UnknownLambdaError extends Error {
  override readonly name = "UnknownLambdaError";
  constructor(readonly lambda: string) {
    super(`No container for lambda ${lambda}`);
  }
}

/** A task needs more memory than its processor has in total: it could never run (§5.1). */
export class TaskTooLargeError extends Error {
  override readonly name = "TaskTooLargeError";
}

export interface Submission {
  readonly id: number;
  readonly processor: string;
  readonly output: string;
}

export interface Completion {
  readonly id: number;
  readonly lambda: string;
  readonly output: string;
  readonly submittedAt: number;
  readonly completedAt: number;
  /** Reference §5.1: time from submission to completion, ms, rounded (pending time included). */
  readonly ptime: number;
}

// Tasks whose completion instants differ by less than this (ms) complete together: the
// instants come from float divisions, and equal tasks must pop together in submission order.
const SAME_INSTANT_MS = 1e-9;

/**
 * The simulated edge computer of reference §5.1: processors shared by containers, each container
 * running one lambda. Pure and event-driven: time only moves when the caller says so
 * (`advance(now)`, with `now` in milliseconds of an injected clock), and rates change exactly at
 * submissions and completions, so a test replays the reference's asserted sequences exactly.
 *
 * Callers advance to the current time before `submit`, `estimate` or `takeUtilization`: the
 * reference also advances its clock at every submission, so progress before the event is
 * accounted at the rates that held before it.
 */
export class SimulatedComputer {
  readonly #processors = new Map<string, Processor>();
  readonly #containers: Container[] = [];
  readonly #byLambda = new Map<string, Container>();
  /** ∫ (running tasks) dt per processor since the last utilization sample, task·ms. */
  readonly #busy = new Map<string, number>();
  #sampledAt: number;
  #now: number;
  #nextId = 0;

  /** `computer@<end-point>` in the reference; settable, as the end-point is known only once bound. */
  name: string;

  constructor(name: string, start = 0) {
    this.name = name;
    this.#now = start;
    this.#sampledAt = start;
  }

  get now(): number {
    return this.#now;
  }

  get processors(): readonly Processor[] {
    return [...this.#processors.values()];
  }

  get containers(): readonly Container[] {
    return this.#containers;
  }

  addProcessor(spec: ProcessorSpec): Processor {
    if (this.#processors.has(spec.name)) {
      throw new ComputerConfigError(`Duplicate processor name: ${spec.name}`);
    }
    const processor = new Processor(spec);
    this.#processors.set(processor.name, processor);
    this.#busy.set(processor.name, 0);
    return processor;
  }

  addContainer(spec: ContainerSpec): Container {
    const processor = this.#processors.get(spec.processor);
    if (processor === undefined) {
      throw new ComputerConfigError(
        `Unknown processor ${spec.processor} for container ${spec.name}`,
      );
    }
    if (this.#containers.some((c) => c.name === spec.name)) {
      throw new ComputerConfigError(`Duplicate container name: ${spec.name}`);
    }
    if (this.#byLambda.has(spec.lambda.name)) {
      throw new ComputerConfigError(`Duplicate lambda name: ${spec.lambda.name}`);
    }
    const container = new Container(spec, processor);
    this.#containers.push(container);
    this.#byLambda.set(spec.lambda.name, container);
    return container;
  }

  hasLambda(lambda: string): boolean {
    return this.#byLambda.has(lambda);
  }

  /** The processor that runs a lambda (for its loads). */
  processorOf(lambda: string): string {
    return this.#container(lambda).processor.name;
  }

  /** Submits one invocation at the current time; it starts now or waits in its container. */
  submit(lambda: string, input: string): Submission {
    const container = this.#container(lambda);
    const needs = taskNeeds(container.lambda.requirements, input);
    const processor = container.processor;
    if (needs.mem > processor.memory) {
      throw new TaskTooLargeError(
        `Lambda ${lambda} needs ${needs.mem} bytes of memory, more than the ${processor.memory} bytes of processor ${processor.name}`,
      );
    }
    const task: SimTask = {
      id: this.#nextId++,
      lambda,
      ops: needs.ops,
      mem: needs.mem,
      output: taskOutput(container.lambda.output, input),
      submittedAt: this.#now,
      residual: needs.ops,
    };
    container.submit(task);
    return { id: task.id, processor: processor.name, output: task.output };
  }

  /** Absolute time (ms) of the next completion at the current rates; undefined when idle. */
  nextCompletionAt(): number | undefined {
    const wait = this.#timeToNextCompletion();
    return wait === undefined ? undefined : this.#now + wait;
  }

  /**
   * Moves the clock to `to`, event by event: at each completion instant the finished tasks leave
   * (in submission order), pending tasks are admitted and rates change. A clock that goes back is
   * ignored. Returns the completions, in time and then submission order.
   */
  advance(to: number): Completion[] {
    const completed: Completion[] = [];
    if (!(to > this.#now)) return this.#completeDue(completed);
    for (let wait = this.#timeToNextCompletion(); wait !== undefined; ) {
      if (this.#now + wait > to) break;
      const finishing = this.#finishingWithin(wait);
      this.#progress(wait);
      this.#now += wait;
      this.#complete(finishing, completed);
      wait = this.#timeToNextCompletion();
    }
    this.#progress(to - this.#now);
    this.#now = to;
    return completed;
  }

  /**
   * Reference §5.8 (`dry`): the time, ms, a new invocation would take if submitted now, ignoring
   * memory. Pending tasks' full times and, when every worker is busy, the first active task's
   * residual time all run at the current per-task speed; the new task runs at the speed it would
   * get with one more task on the processor, or at the current speed if it has to wait.
   */
  estimate(lambda: string, input: string): number {
    const container = this.#container(lambda);
    const processor = container.processor;
    const { ops } = taskNeeds(container.lambda.requirements, input);
    const running = processor.running;
    // With nothing running the current speed is 0 (§5.1); a task that started now would get one core.
    const current = running === 0 ? processor.speedPerTask(1) : processor.speedPerTask(running);
    let seconds = 0;
    for (const task of container.pending) seconds += task.residual / current;
    if (container.saturated) {
      const first = container.active[0];
      if (first !== undefined) seconds += first.residual / current;
      seconds += ops / current;
    } else {
      seconds += ops / processor.speedPerTask(running + 1);
    }
    return seconds * 1000;
  }

  /**
   * Reference §5.4: per processor, `min(busy / (C·Δt), 1)` since the previous call, where busy is
   * the time integral of the number of running tasks; then starts a new interval.
   */
  takeUtilization(): Map<string, number> {
    const elapsed = this.#now - this.#sampledAt;
    const samples = new Map<string, number>();
    for (const processor of this.#processors.values()) {
      const busy = this.#busy.get(processor.name) ?? 0;
      samples.set(
        processor.name,
        elapsed > 0 ? Math.min(busy / (processor.cores * elapsed), 1) : 0,
      );
      this.#busy.set(processor.name, 0);
    }
    this.#sampledAt = this.#now;
    return samples;
  }

  /** The reference's printable form (§5.7), one item per line. */
  toString(): string {
    return [`computer ${this.name}`, ...this.processors, ...this.#containers]
      .map(String)
      .join("\n");
  }

  #container(lambda: string): Container {
    const container = this.#byLambda.get(lambda);
    if (container === undefined) throw new UnknownLambdaError(lambda);
    return container;
  }

  #timeToNextCompletion(): number | undefined {
    let least: number | undefined;
    for (const container of this.#containers) {
      const wait = container.timeToNextCompletion();
      if (wait !== undefined && (least === undefined || wait < least)) least = wait;
    }
    return least;
  }

  /** Active tasks that complete within `wait` ms at the current rates. */
  #finishingWithin(wait: number): [Container, SimTask][] {
    const finishing: [Container, SimTask][] = [];
    for (const container of this.#containers) {
      const rate = container.ratePerMs();
      for (const task of container.active) {
        if (task.residual / rate <= wait + SAME_INSTANT_MS) finishing.push([container, task]);
      }
    }
    return finishing;
  }

  /** Completes tasks that are already due (zero-operation tasks submitted at this instant). */
  #completeDue(completed: Completion[]): Completion[] {
    for (let wait = this.#timeToNextCompletion(); wait !== undefined && wait <= SAME_INSTANT_MS; ) {
      this.#complete(this.#finishingWithin(wait), completed);
      wait = this.#timeToNextCompletion();
    }
    return completed;
  }

  #complete(finishing: [Container, SimTask][], completed: Completion[]): void {
    finishing.sort(([, a], [, b]) => a.id - b.id);
    for (const [container, task] of finishing) {
      task.residual = 0;
      container.complete(task);
      completed.push({
        id: task.id,
        lambda: task.lambda,
        output: task.output,
        submittedAt: task.submittedAt,
        completedAt: this.#now,
        ptime: Math.round(this.#now - task.submittedAt),
      });
    }
    // Memory is per processor, so a completion in one container can unblock another's queue.
    for (const container of this.#containers) container.admitPending();
  }

  /** Every active task progresses for `elapsed` ms at the rates that hold now. */
  #progress(elapsed: number): void {
    if (elapsed <= 0) return;
    for (const processor of this.#processors.values()) {
      const busy = this.#busy.get(processor.name) ?? 0;
      this.#busy.set(processor.name, busy + processor.running * elapsed);
    }
    for (const container of this.#containers) {
      const done = container.ratePerMs() * elapsed;
      for (const task of container.active) task.residual = Math.max(0, task.residual - done);
    }
  }
}
