import { type Scheduler, timerScheduler } from "@soe/runtime";
import { type CallOutcome, FunctionWorker } from "./function-worker.js";

export interface FunctionPoolOptions {
  /** Lambda name, for messages. */
  readonly name: string;
  /** file: URL of the module. */
  readonly url: string;
  /** Calls running at once (worker threads); more wait in FIFO order. */
  readonly workers: number;
  /** Time limit of one call once it has a worker, ms. */
  readonly timeoutMs: number;
  /** Milliseconds, for run times. */
  readonly clock: () => number;
  /** Timers of the time limits (default setTimeout). */
  readonly schedule?: Scheduler;
  /** Told when a call gets a worker and when it leaves it (utilization). */
  readonly meter?: { start(): void; finish(): void };
}

/** How a call ended, and how long it ran on its worker (queueing excluded), ms. */
export type PoolOutcome = CallOutcome & { readonly runMs: number };

interface Job {
  readonly params: unknown;
  readonly resolve: (outcome: PoolOutcome) => void;
}

/**
 * The workers of one function: at most `workers` calls run at once, the rest wait in a FIFO
 * queue (the container's workers of the simulated model, for real code). Threads start lazily
 * and are reused; one that times out or dies is dropped and replaced on demand. A call's error —
 * thrown, timed out, crashed — is an outcome, never an exception.
 */
export class FunctionPool {
  readonly #options: FunctionPoolOptions;
  readonly #idle: FunctionWorker[] = [];
  readonly #all = new Set<FunctionWorker>();
  readonly #queue: Job[] = [];
  #running = 0;
  #closed = false;

  constructor(options: FunctionPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new Error(`Invalid number of workers for function ${options.name}: ${options.workers}`);
    }
    this.#options = options;
  }

  get workers(): number {
    return this.#options.workers;
  }

  get #schedule(): Scheduler {
    return this.#options.schedule ?? timerScheduler;
  }

  /** Calls running now. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Loads the module in a first worker (kept for the first call) and fails if it does not load
   * or has no `main` export: a bad file is an operator error, reported at start-up.
   */
  async verify(): Promise<void> {
    const worker = this.#spawn();
    let cancel = (): void => {};
    const limit = new Promise<never>((_, reject) => {
      cancel = this.#schedule(this.#options.timeoutMs, () =>
        reject(new Error(`loading took more than ${this.#options.timeoutMs} ms`)),
      );
    });
    try {
      await Promise.race([worker.ready, limit]);
      this.#idle.push(worker);
    } catch (error) {
      this.#drop(worker);
      throw error;
    } finally {
      cancel();
    }
  }

  call(params: unknown): Promise<PoolOutcome> {
    if (this.#closed)
      return Promise.resolve({ ok: false, error: "edge computer closed", runMs: 0 });
    return new Promise<PoolOutcome>((resolve) => {
      this.#queue.push({ params, resolve });
      this.#pump();
    });
  }

  /** Stops every worker; waiting calls fail. Running calls fail as their workers stop. */
  close(): void {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.resolve({ ok: false, error: "edge computer closed", runMs: 0 });
    }
    for (const worker of this.#all) worker.terminate();
    this.#all.clear();
    this.#idle.length = 0;
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#running < this.#options.workers && !this.#closed) {
      const job = this.#queue.shift() as Job;
      const worker = this.#idle.pop() ?? this.#spawn();
      this.#running++;
      void this.#run(worker, job);
    }
  }

  async #run(worker: FunctionWorker, job: Job): Promise<void> {
    const { timeoutMs, clock } = this.#options;
    const started = clock();
    this.#options.meter?.start();
    let cancel = (): void => {};
    const limit = new Promise<CallOutcome>((resolve) => {
      cancel = this.#schedule(timeoutMs, () => {
        // Terminating is the only way to stop code that never yields.
        this.#drop(worker);
        resolve({ ok: false, error: `timed out after ${timeoutMs} ms` });
      });
    });
    const outcome = await Promise.race([worker.call(job.params), limit]);
    cancel();
    this.#options.meter?.finish();
    this.#running--;
    if (worker.alive && !this.#closed) this.#idle.push(worker);
    else this.#drop(worker);
    job.resolve({ ...outcome, runMs: clock() - started });
    this.#pump();
  }

  #spawn(): FunctionWorker {
    const worker = new FunctionWorker(this.#options.url);
    this.#all.add(worker);
    return worker;
  }

  #drop(worker: FunctionWorker): void {
    worker.terminate();
    this.#all.delete(worker);
  }
}
