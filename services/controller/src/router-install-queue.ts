import { Code, ConnectError } from "@connectrpc/connect";
import { type EdgeRouterConf, EdgeRouterConf_Action } from "@soe/proto";
import { Backoff, type BackoffOptions, type Scheduler, timerScheduler } from "@soe/runtime";

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
  /**
   * A call failed; it goes back to the head and is retried after `retryInMs`. Once per attempt:
   * with several calls in flight, for the first in queue order of those that failed.
   */
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
  /**
   * Configure calls in flight at once per router (`--install-window`); default 1, one call at a
   * time. A router is a round trip away: one call at a time leaves both ends idle most of the time.
   */
  readonly pipelineDepth?: number;
  readonly listener?: InstallQueueListener;
  /** Timers for retries and deadlines; `setTimeout` by default. */
  readonly schedule?: Scheduler;
}

export interface RouterQueueStatus {
  /** Configure calls queued and not yet acknowledged (those in flight included). */
  readonly pending: number;
  /** Consecutive failed attempts at the router (0 when in sync). */
  readonly failures: number;
}

/** One Configure call in flight. */
interface Call {
  readonly conf: EdgeRouterConf;
  /** The (lambda, destination) pair it changes; undefined for a FLUSH. */
  readonly pair: string | undefined;
  /** Order of sending, which is queue order: failed calls go back to the head in this order. */
  readonly seq: number;
  readonly generation: number;
  readonly abort: AbortController;
}

/**
 * One router's FIFO and its window of calls in flight. `generation` changes when the queue is
 * replaced or dropped, so the outcome of a call in flight then no longer counts.
 */
interface RouterQueue {
  /** Not sent yet, from `head` on (a moving head: no O(n) shift per call). */
  ops: EdgeRouterConf[];
  head: number;
  readonly backoff: Backoff;
  generation: number;
  readonly inFlight: Set<Call>;
  /** Pairs of the current generation's calls in flight. */
  readonly pairs: Set<string>;
  /** A FLUSH of the current generation is in flight: nothing else goes until it is answered. */
  flushing: boolean;
  /** Calls in flight from before a replace or drop; nothing is sent until they have settled. */
  stale: number;
  /** Calls of this round that failed; retried once the rest of the window has settled. */
  failed: { call: Call; error: unknown }[];
  /** Cancels the pending retry, while one is pending. */
  retry: (() => void) | undefined;
  seq: number;
}

/**
 * Forwarding-table installation, one FIFO per router keyed by its table end-point (DESIGN §4):
 * operations go out in order, up to `pipelineDepth` calls in flight, each with a deadline; failed
 * calls go back to the head and are retried with back-off for as long as the router is
 * registered (the reference forgot a router after one failure, §12.2); a router that answers
 * with an error text has the operation skipped, as in the reference. Each queue runs on its own,
 * so a dead or slow router never delays another one, nor the announcements that fill the queues.
 *
 * A router applies each Configure as it receives it, and the streams of one HTTP/2 session may
 * be served concurrently, so calls in flight together must commute: they never share a
 * (lambda, destination) pair, and a FLUSH travels alone. The router thus ends with the table it
 * would have had from the operations one by one, in queue order.
 */
export class RouterInstallQueues {
  readonly #options: RouterInstallQueuesOptions;
  readonly #depth: number;
  readonly #schedule: Scheduler;
  readonly #queues = new Map<string, RouterQueue>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: RouterInstallQueuesOptions) {
    if (!(options.timeoutMs > 0)) throw new Error(`Invalid install timeout: ${options.timeoutMs}`);
    const depth = options.pipelineDepth ?? 1;
    if (!(Number.isInteger(depth) && depth >= 1)) {
      throw new Error(`Invalid install pipeline depth: ${depth}`);
    }
    this.#options = options;
    this.#depth = depth;
    this.#schedule = options.schedule ?? timerScheduler;
  }

  /** Appends operations behind whatever is queued for the router. */
  enqueue(router: string, confs: readonly EdgeRouterConf[]): void {
    if (this.#closed || confs.length === 0) return;
    const queue = this.#queue(router);
    for (const conf of confs) queue.ops.push(conf);
    this.#pump(router, queue);
  }

  /**
   * Replaces whatever is queued for the router (a flush and full install supersedes it) and
   * tries at once, even if the router was being backed off: it has just shown signs of life.
   * Calls already in flight complete first, so the router still sees operations in order.
   */
  replace(router: string, confs: readonly EdgeRouterConf[]): void {
    if (this.#closed) return;
    const queue = this.#queue(router);
    this.#reset(queue);
    queue.ops = [...confs];
    this.#pump(router, queue);
  }

  /** Forgets what is queued for a router whose registration went away. */
  drop(router: string): void {
    const queue = this.#queues.get(router);
    if (queue === undefined) return;
    this.#reset(queue);
    this.#pump(router, queue);
  }

  status(router: string): RouterQueueStatus {
    const queue = this.#queues.get(router);
    if (queue === undefined) return { pending: 0, failures: 0 };
    return { pending: pending(queue), failures: queue.backoff.failures };
  }

  /** Routers with operations pending. */
  routers(): string[] {
    return [...this.#queues].filter(([, q]) => pending(q) > 0).map(([router]) => router);
  }

  /** Stops every queue: calls in flight are cancelled and nothing more is sent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const queue of this.#queues.values()) {
      this.#reset(queue);
      for (const call of queue.inFlight) call.abort.abort();
    }
    await Promise.all(this.#running);
  }

  #queue(router: string): RouterQueue {
    let queue = this.#queues.get(router);
    if (queue === undefined) {
      queue = {
        ops: [],
        head: 0,
        backoff: new Backoff(this.#options.backoff),
        generation: 0,
        inFlight: new Set(),
        pairs: new Set(),
        flushing: false,
        stale: 0,
        failed: [],
        retry: undefined,
        seq: 0,
      };
      this.#queues.set(router, queue);
    }
    return queue;
  }

  /** Empties the queue; what is in flight becomes stale: its outcome no longer counts. */
  #reset(queue: RouterQueue): void {
    queue.ops = [];
    queue.head = 0;
    queue.generation++;
    queue.stale = queue.inFlight.size;
    queue.pairs.clear();
    queue.flushing = false;
    queue.failed = [];
    queue.backoff.reset();
    queue.retry?.();
    queue.retry = undefined;
  }

  /** Sends what may go now; called whenever something changed. */
  #pump(router: string, queue: RouterQueue): void {
    if (this.#closed || queue.retry !== undefined || queue.stale > 0) return;
    if (queue.failed.length > 0) {
      if (queue.inFlight.size === 0) this.#backOff(router, queue);
      return;
    }
    // A failing router is probed with one call; the window opens again once one goes through.
    const window = queue.backoff.failures > 0 ? 1 : this.#depth;
    while (queue.inFlight.size < window && !queue.flushing && queue.head < queue.ops.length) {
      const conf = queue.ops[queue.head] as EdgeRouterConf;
      const flush = conf.action === EdgeRouterConf_Action.FLUSH;
      const pair = flush ? undefined : `${conf.lambda}\n${conf.destination}`;
      // A FLUSH waits for the window to empty; an operation waits for the answer about its
      // pair; either way, nothing behind it overtakes it.
      if (flush ? queue.inFlight.size > 0 : queue.pairs.has(pair as string)) break;
      queue.head++;
      this.#start(router, queue, conf, pair);
    }
    if (queue.head >= 1024 && queue.head * 2 >= queue.ops.length) {
      queue.ops = queue.ops.slice(queue.head);
      queue.head = 0;
    }
    // Kept while busy, so a router dropped and re-added in the meantime reuses this FIFO instead
    // of racing the calls still in flight.
    if (queue.inFlight.size === 0 && pending(queue) === 0 && this.#queues.get(router) === queue) {
      this.#queues.delete(router);
    }
  }

  #start(router: string, queue: RouterQueue, conf: EdgeRouterConf, pair: string | undefined) {
    const call: Call = {
      conf,
      pair,
      seq: queue.seq++,
      generation: queue.generation,
      abort: new AbortController(),
    };
    queue.inFlight.add(call);
    if (pair === undefined) queue.flushing = true;
    else queue.pairs.add(pair);
    const settled = this.#send(router, call).then(
      (msg) => this.#settle(router, queue, call, msg, undefined),
      (error: unknown) => this.#settle(router, queue, call, undefined, error),
    );
    const running = settled.finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  #settle(
    router: string,
    queue: RouterQueue,
    call: Call,
    msg: string | undefined,
    error: unknown,
  ): void {
    const { listener } = this.#options;
    queue.inFlight.delete(call);
    if (call.generation !== queue.generation) {
      queue.stale--;
    } else {
      if (call.pair === undefined) queue.flushing = false;
      else queue.pairs.delete(call.pair);
      if (msg === undefined) {
        queue.failed.push({ call, error });
      } else {
        // A success in a window that has a failure proves little: the back-off holds.
        if (queue.backoff.failures > 0 && queue.failed.length === 0) {
          listener?.recovered?.(router, queue.backoff.failures);
          queue.backoff.reset();
        }
        if (!configureSucceeded(msg)) listener?.rejected?.(router, call.conf, msg);
        if (pending(queue) === 0) listener?.idle?.(router);
      }
    }
    this.#pump(router, queue);
  }

  /**
   * The window has settled with failures: they go back to the head, in queue order, and are
   * retried after a back-off. One attempt per window: the listener hears of its first failure.
   */
  #backOff(router: string, queue: RouterQueue): void {
    const failed = queue.failed.sort((a, b) => a.call.seq - b.call.seq);
    queue.failed = [];
    queue.ops = [...failed.map((f) => f.call.conf), ...queue.ops.slice(queue.head)];
    queue.head = 0;
    const delay = queue.backoff.next();
    const first = failed[0] as (typeof failed)[number];
    this.#options.listener?.failed?.(
      router,
      first.call.conf,
      first.error,
      queue.backoff.failures,
      delay,
    );
    queue.retry = this.#schedule(delay, () => {
      queue.retry = undefined;
      this.#pump(router, queue);
    });
  }

  // The deadline is enforced here too, not only by the sender's transport: the guarantee that a
  // silent router holds its queue for at most one deadline per attempt must not depend on it.
  async #send(router: string, call: Call): Promise<string> {
    const { timeoutMs, send } = this.#options;
    const { abort } = call;
    let cancelDeadline: (() => void) | undefined;
    const deadline = new Promise<never>((_, reject) => {
      cancelDeadline = this.#schedule(timeoutMs, () => {
        reject(new ConnectError(`no answer within ${timeoutMs} ms`, Code.DeadlineExceeded));
        abort.abort();
      });
      abort.signal.addEventListener("abort", () =>
        reject(new ConnectError("installation stopped", Code.Canceled)),
      );
    });
    try {
      return await Promise.race([
        send(router, call.conf, { timeoutMs, signal: abort.signal }),
        deadline,
      ]);
    } finally {
      cancelDeadline?.();
    }
  }
}

/** Configure calls queued and not yet acknowledged, in flight included (stale ones excluded). */
function pending(queue: RouterQueue): number {
  return queue.ops.length - queue.head + queue.failed.length + queue.inFlight.size - queue.stale;
}

/**
 * Reference routers answer "OK", "Error: …" or "Unknown error" (reference §3.6); the proto allows
 * an empty text for success too. Anything else is an error the router reported.
 */
export function configureSucceeded(msg: string): boolean {
  return msg === "OK" || msg === "";
}
