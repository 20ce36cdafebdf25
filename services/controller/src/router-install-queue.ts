import { Code, ConnectError } from "@connectrpc/connect";
import type { EdgeRouterConf } from "@soe/proto";
import { Backoff, type BackoffOptions } from "@soe/runtime";

/** What one Configure call gets: its deadline, and a signal that cancels it. */
export interface ConfigureCall {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * Sends one Configure to a router's forwarding-table end-point and resolves with `Return.msg`;
 * rejects when the call failed (transport, deadline, auth). Injected, so scheduling is tested
 * without I/O.
 */
export type ConfigureSender = (
  router: string,
  conf: EdgeRouterConf,
  call: ConfigureCall,
) => Promise<string>;

/** What the queues report, for logs; nothing here decides anything. */
export interface InstallQueueListener {
  /** The router answered with an error text; the operation is not retried (reference §2.5). */
  rejected?(router: string, conf: EdgeRouterConf, msg: string): void;
  /** The call failed; it stays at the head and is retried after `retryInMs`. */
  failed?(
    router: string,
    conf: EdgeRouterConf,
    error: unknown,
    failures: number,
    retryInMs: number,
  ): void;
  /** A call went through after `failures` failed attempts. */
  recovered?(router: string, failures: number): void;
  /** Everything queued for the router has been sent. */
  idle?(router: string): void;
}

export interface RouterInstallQueuesOptions {
  readonly send: ConfigureSender;
  /** Deadline of each Configure call, ms (`--install-timeout`). */
  readonly timeoutMs: number;
  /** Delays between attempts at a failing router. */
  readonly backoff: BackoffOptions;
  readonly listener?: InstallQueueListener;
}

export interface RouterQueueStatus {
  /** Configure calls queued and not yet acknowledged (the one in flight included). */
  readonly pending: number;
  /** Consecutive failed attempts at the operation at the head (0 when in sync). */
  readonly failures: number;
}

/** One router's FIFO. `generation` changes when the queue is replaced or dropped, so the outcome of a call in flight then no longer counts. */
interface RouterQueue {
  ops: EdgeRouterConf[];
  readonly backoff: Backoff;
  generation: number;
  running: boolean;
  /** Ends a back-off wait early. */
  wake: (() => void) | undefined;
  inFlight: AbortController | undefined;
}

/**
 * Forwarding-table installation, one FIFO per router keyed by its table end-point (DESIGN §4):
 * operations go out in order, one at a time, each with a deadline; a failed call stays at the
 * head and is retried with back-off for as long as the router is registered (the reference
 * forgot a router after one failure, §12.2); a router that answers with an error text has the
 * operation skipped, as in the reference. Each queue runs on its own, so a dead or slow router
 * never delays another one, nor the announcements that fill the queues.
 */
export class RouterInstallQueues {
  readonly #options: RouterInstallQueuesOptions;
  readonly #queues = new Map<string, RouterQueue>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: RouterInstallQueuesOptions) {
    if (!(options.timeoutMs > 0)) throw new Error(`Invalid install timeout: ${options.timeoutMs}`);
    this.#options = options;
  }

  /** Appends operations behind whatever is queued for the router. */
  enqueue(router: string, confs: readonly EdgeRouterConf[]): void {
    if (this.#closed || confs.length === 0) return;
    const queue = this.#queue(router);
    queue.ops.push(...confs);
    this.#start(router, queue);
  }

  /**
   * Replaces whatever is queued for the router (a flush and full install supersedes it) and
   * tries at once, even if the router was being backed off: it has just shown signs of life.
   * A call already in flight completes first, so the router still sees operations in order.
   */
  replace(router: string, confs: readonly EdgeRouterConf[]): void {
    if (this.#closed) return;
    const queue = this.#queue(router);
    queue.ops = [...confs];
    queue.generation++;
    queue.backoff.reset();
    queue.wake?.();
    this.#start(router, queue);
  }

  /** Forgets what is queued for a router whose registration went away. */
  drop(router: string): void {
    const queue = this.#queues.get(router);
    if (queue === undefined) return;
    queue.ops = [];
    queue.generation++;
    queue.backoff.reset();
    queue.wake?.();
  }

  status(router: string): RouterQueueStatus {
    const queue = this.#queues.get(router);
    return { pending: queue?.ops.length ?? 0, failures: queue?.backoff.failures ?? 0 };
  }

  /** Routers with operations pending. */
  routers(): string[] {
    return [...this.#queues].filter(([, q]) => q.ops.length > 0).map(([router]) => router);
  }

  /** Stops every queue: calls in flight are cancelled and nothing more is sent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const queue of this.#queues.values()) {
      queue.ops = [];
      queue.generation++;
      queue.inFlight?.abort();
      queue.wake?.();
    }
    await Promise.all(this.#running);
  }

  #queue(router: string): RouterQueue {
    let queue = this.#queues.get(router);
    if (queue === undefined) {
      queue = {
        ops: [],
        backoff: new Backoff(this.#options.backoff),
        generation: 0,
        running: false,
        wake: undefined,
        inFlight: undefined,
      };
      this.#queues.set(router, queue);
    }
    return queue;
  }

  #start(router: string, queue: RouterQueue): void {
    if (queue.running) return;
    queue.running = true;
    const run = this.#run(router, queue).finally(() => {
      this.#running.delete(run);
      queue.running = false;
      // Kept while busy, so a router dropped and re-added in the meantime reuses this FIFO
      // instead of racing the call still in flight.
      if (queue.ops.length === 0 && this.#queues.get(router) === queue) {
        this.#queues.delete(router);
      }
    });
    this.#running.add(run);
  }

  async #run(router: string, queue: RouterQueue): Promise<void> {
    const { listener } = this.#options;
    for (let conf = queue.ops[0]; conf !== undefined && !this.#closed; conf = queue.ops[0]) {
      const generation = queue.generation;
      try {
        const msg = await this.#send(router, queue, conf);
        if (queue.generation !== generation) continue;
        queue.ops.shift();
        if (queue.backoff.failures > 0) listener?.recovered?.(router, queue.backoff.failures);
        queue.backoff.reset();
        if (!configureSucceeded(msg)) listener?.rejected?.(router, conf, msg);
        if (queue.ops.length === 0) listener?.idle?.(router);
      } catch (error) {
        if (queue.generation !== generation || this.#closed) continue;
        const delay = queue.backoff.next();
        listener?.failed?.(router, conf, error, queue.backoff.failures, delay);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          queue.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        queue.wake = undefined;
      }
    }
  }

  // The deadline is enforced here too, not only by the sender's transport: the guarantee that a
  // silent router holds its queue for at most one deadline per attempt must not depend on it.
  async #send(router: string, queue: RouterQueue, conf: EdgeRouterConf): Promise<string> {
    const { timeoutMs, send } = this.#options;
    const abort = new AbortController();
    queue.inFlight = abort;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new ConnectError(`no answer within ${timeoutMs} ms`, Code.DeadlineExceeded));
        abort.abort();
      }, timeoutMs);
      abort.signal.addEventListener("abort", () =>
        reject(new ConnectError("installation stopped", Code.Canceled)),
      );
    });
    try {
      return await Promise.race([
        send(router, conf, { timeoutMs, signal: abort.signal }),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
      queue.inFlight = undefined;
    }
  }
}

/**
 * Reference routers answer "OK", "Error: …" or "Unknown error" (reference §3.6); the proto allows
 * an empty text for success too. Anything else is an error the router reported.
 */
export function configureSucceeded(msg: string): boolean {
  return msg === "OK" || msg === "";
}
