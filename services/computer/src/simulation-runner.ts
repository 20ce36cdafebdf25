import { type Scheduler, timerScheduler } from "@soe/runtime";
import type { Completion, SimulatedComputer, Submission } from "./model/simulated-computer.js";

export interface SimulationRunnerOptions {
  /** Milliseconds; the model's time is this clock's. */
  readonly clock: () => number;
  readonly schedule?: Scheduler;
}

/**
 * Drives the pure model with a clock and one timer (reference §5.1's dispatcher thread): every
 * event first moves the model to the clock's time, and the timer is set for the earliest
 * completion. A timer that fires a little early just re-arms itself; ptimes are the model's
 * exact completion instants, not the timer's.
 */
export class SimulationRunner {
  readonly #computer: SimulatedComputer;
  readonly #clock: () => number;
  readonly #schedule: Scheduler;
  readonly #waiting = new Map<
    number,
    { resolve: (c: Completion) => void; reject: (e: Error) => void }
  >();
  #cancelTimer: (() => void) | undefined;
  #closed = false;

  constructor(computer: SimulatedComputer, options: SimulationRunnerOptions) {
    this.#computer = computer;
    this.#clock = options.clock;
    this.#schedule = options.schedule ?? timerScheduler;
  }

  get computer(): SimulatedComputer {
    return this.#computer;
  }

  /**
   * Submits an invocation now; `done` settles at its completion. Unknown lambdas and tasks too
   * large for their processor throw here, before anything is queued.
   */
  run(lambda: string, input: string): { submission: Submission; done: Promise<Completion> } {
    if (this.#closed) throw new Error("edge computer closed");
    this.#sync();
    const submission = this.#computer.submit(lambda, input);
    const done = new Promise<Completion>((resolve, reject) => {
      this.#waiting.set(submission.id, { resolve, reject });
    });
    this.#arm();
    return { submission, done };
  }

  /** Reference §5.8: the estimated time (ms) of an invocation submitted now. */
  estimate(lambda: string, input: string): number {
    this.#sync();
    return this.#computer.estimate(lambda, input);
  }

  /** Per-processor utilization since the previous call (reference §5.4). */
  takeUtilization(): Map<string, number> {
    this.#sync();
    return this.#computer.takeUtilization();
  }

  /** Stops the timer; invocations still running fail. */
  close(): void {
    this.#closed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    for (const { reject } of this.#waiting.values()) reject(new Error("edge computer closed"));
    this.#waiting.clear();
  }

  /** Moves the model to now and settles what completed; then re-arms the timer. */
  #sync(): void {
    for (const completion of this.#computer.advance(this.#clock())) {
      const waiter = this.#waiting.get(completion.id);
      this.#waiting.delete(completion.id);
      waiter?.resolve(completion);
    }
    this.#arm();
  }

  #arm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const next = this.#computer.nextCompletionAt();
    if (next === undefined || this.#closed) return;
    const delay = Math.max(0, Math.ceil(next - this.#clock()));
    this.#cancelTimer = this.#schedule(delay, () => {
      this.#cancelTimer = undefined;
      this.#sync();
    });
  }
}
