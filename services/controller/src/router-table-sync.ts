import { Code, ConnectError } from "@connectrpc/connect";
import { Backoff, type BackoffOptions, type Scheduler, timerScheduler } from "@soe/runtime";
import { type RouterOp, toEdgeRouterConfs } from "./install-plan.js";
import { RouteChangeQueue, type RouteChangeSet } from "./route-change-queue.js";
import type { RouterInstallQueues, RouterQueueStatus } from "./router-install-queue.js";

/** Where a router's tables stand (`soe.v1.TableVersion`). */
export interface HeldVersion {
  readonly epoch: string;
  readonly version: bigint;
}

/** One `soe.v1.ApplyBatchRequest`. */
export interface TableBatch {
  readonly epoch: string;
  readonly fromVersion: bigint;
  readonly toVersion: bigint;
  readonly snapshot: boolean;
  readonly partial: boolean;
  readonly changes: readonly RouteChangeSet[];
}

/** What one call gets: its deadline, and a signal that cancels it. */
export interface TableSyncCall {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * The router refused a batch that does not start where it stands (FAILED_PRECONDITION); `held`
 * is the version it told, if it told one.
 */
export class VersionMismatch extends Error {
  override readonly name = "VersionMismatch";
  constructor(readonly held: HeldVersion | undefined) {
    super(
      `the router holds ${held === undefined ? "an unknown version" : `version ${held.version} of epoch ${held.epoch || "(none)"}`}`,
    );
  }
}

/**
 * Calls to one router's `soe.v1.TableSyncService`, injected so that scheduling is tested without
 * I/O. They reject with VersionMismatch, or with a ConnectError (UNIMPLEMENTED: the router does
 * not serve the service; INVALID_ARGUMENT: it refused the batch; anything else: a failed attempt).
 */
export interface TableSyncSender {
  applyBatch(router: string, batch: TableBatch, call: TableSyncCall): Promise<HeldVersion>;
  getVersion(router: string, call: TableSyncCall): Promise<HeldVersion>;
}

/** How a router's table is installed: still asking it, batches, or one Configure per entry. */
export type SyncMode = "probe" | "sync" | "configure";

/** What the sync reports, for logs; nothing here decides anything. */
export interface TableSyncListener {
  /** The router answered GetVersion (sync) or does not serve TableSyncService (configure). */
  mode?(router: string, mode: Exclude<SyncMode, "probe">): void;
  /** A call failed; it is retried after `retryInMs`. */
  failed?(router: string, error: unknown, failures: number, retryInMs: number): void;
  recovered?(router: string, failures: number): void;
  /** The router refused a batch as invalid; its changes are not retried (as Configure's). */
  rejected?(router: string, error: unknown): void;
  /** The router's tables are not where this controller left them: the whole table goes again. */
  snapshot?(router: string, held: HeldVersion | undefined): void;
  /** Everything queued for the router has been acknowledged. */
  idle?(router: string): void;
}

export interface RouterTableSyncOptions {
  readonly send: TableSyncSender;
  /** Installation one Configure per entry, for routers without TableSyncService. */
  readonly configure: RouterInstallQueues;
  /** A router's whole table, flush first (the installer's resync), computed when it is sent. */
  readonly fullTable: (router: string) => readonly RouterOp[];
  /** This controller's numbering of batches; a fresh one per start. */
  readonly epoch: string;
  /** Deadline of each call, ms. */
  readonly timeoutMs: number;
  readonly backoff: BackoffOptions;
  /** Pairs per batch at most (default 10,000): bounds a router's pause and the message size. */
  readonly maxBatchPairs?: number;
  readonly listener?: TableSyncListener;
  /** Timers for retries and deadlines; `setTimeout` by default. */
  readonly schedule?: Scheduler;
  /** Runs sending behind the caller (default setImmediate): admission never builds a batch. */
  readonly defer?: (run: () => void) => void;
  /**
   * Runs once for each router before anything is sent to it, retried with back-off until it
   * succeeds: a controller without a store reads the router's table first and adopts the
   * computers it routes to (issue 13), so the table it then sends does not wipe them.
   */
  readonly beforeFirstSync?: (router: string, call: TableSyncCall) => Promise<void>;
}

export const DEFAULT_MAX_BATCH_PAIRS = 10_000;

interface InFlight {
  readonly abort: AbortController;
  readonly pairs: number;
}

interface RouterState {
  mode: SyncMode;
  /** `beforeFirstSync` has not succeeded yet: nothing may be sent. */
  unread: boolean;
  readonly queue: RouteChangeQueue;
  /** The whole table must go before anything else (first contact, restart, lost version). */
  fullTable: boolean;
  /** Version acknowledged for the table the router serves. */
  held: bigint;
  /** Version of the last snapshot part the router staged, while a snapshot is under way. */
  staged: bigint | undefined;
  /** A batch whose attempt failed, resent as it was. */
  retry: TableBatch | undefined;
  inFlight: InFlight | undefined;
  readonly backoff: Backoff;
  /** Cancels the pending back-off timer, while one is pending. */
  waiting: (() => void) | undefined;
}

/**
 * Forwarding-table installation per router (issue 13), behind the controller's announcements:
 * they only queue the installer's operations (shared, not copied) and mark the router dirty;
 * batches are built afterwards, coalesced, at most `maxBatchPairs` pairs each, one batch in flight
 * per router, each with a deadline, retried with back-off for as long as the router is
 * registered. A router is asked once (GetVersion) whether it serves `soe.v1.TableSyncService`;
 * one that does not (UNIMPLEMENTED: a reference router) gets its operations through
 * RouterInstallQueues, one Configure per entry, in the same order as before.
 *
 * Versions (see table_sync.proto): every batch names the version it applies to and the one it
 * makes, numbered from one counter for all routers so that a number never repeats within the
 * epoch. A router that holds something else — it restarted, or another controller synced it —
 * gets the whole table again as a snapshot, staged by the router and swapped in whole.
 */
export class RouterTableSync {
  readonly #options: RouterTableSyncOptions;
  readonly #maxPairs: number;
  readonly #schedule: Scheduler;
  readonly #defer: (run: () => void) => void;
  readonly #routers = new Map<string, RouterState>();
  readonly #dirty = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #pumpScheduled = false;
  #counter = 0n;
  #closed = false;

  constructor(options: RouterTableSyncOptions) {
    if (!(options.timeoutMs > 0)) throw new Error(`Invalid install timeout: ${options.timeoutMs}`);
    const maxPairs = options.maxBatchPairs ?? DEFAULT_MAX_BATCH_PAIRS;
    if (!(Number.isInteger(maxPairs) && maxPairs >= 1)) {
      throw new Error(`Invalid batch size: ${maxPairs}`);
    }
    this.#options = options;
    this.#maxPairs = maxPairs;
    this.#schedule = options.schedule ?? timerScheduler;
    this.#defer = options.defer ?? ((run) => setImmediate(run));
  }

  /** Queues operations behind whatever is queued for the router. O(operations). */
  enqueue(router: string, ops: readonly RouterOp[]): void {
    if (this.#closed || ops.length === 0) return;
    const state = this.#state(router);
    if (state.mode === "configure") {
      this.#configure(router, ops);
      return;
    }
    if (!state.fullTable) state.queue.push(ops);
    this.#markDirty(router);
  }

  /** Operations that rebuild the router's table from a flush: whatever was queued is moot. */
  replace(router: string, ops: readonly RouterOp[]): void {
    if (this.#closed) return;
    const state = this.#state(router);
    if (state.mode === "configure") {
      this.#options.configure.replace(router, ops.flatMap(toEdgeRouterConfs));
      return;
    }
    state.fullTable = false;
    // A failed batch waiting to be resent is moot too: the flush supersedes it.
    state.retry = undefined;
    state.queue.clear();
    state.queue.push(ops);
    this.#markDirty(router);
  }

  /** The router's whole table goes again, computed when it is sent (cheap to ask for). */
  resync(router: string): void {
    if (this.#closed) return;
    const state = this.#state(router);
    state.fullTable = true;
    state.retry = undefined;
    state.queue.clear();
    // A router that restarted is tried at once, even in the middle of a back-off.
    state.waiting?.();
    state.waiting = undefined;
    state.backoff.reset();
    this.#markDirty(router);
  }

  /**
   * A router registered: with `beforeFirstSync`, it runs now even if nothing is queued for the
   * router yet (its table is read as soon as it is known, not at the first change).
   */
  contact(router: string): void {
    if (this.#closed || this.#options.beforeFirstSync === undefined) return;
    if (this.#state(router).unread) this.#markDirty(router);
  }

  /** Forgets a router whose registration went away (and how it was installed). */
  drop(router: string): void {
    const state = this.#routers.get(router);
    this.#routers.delete(router);
    this.#dirty.delete(router);
    this.#options.configure.drop(router);
    if (state === undefined) return;
    state.waiting?.();
    state.inFlight?.abort.abort();
  }

  /** How the router is installed (undefined: not known here). */
  mode(router: string): SyncMode | undefined {
    return this.#routers.get(router)?.mode;
  }

  status(router: string): RouterQueueStatus {
    const state = this.#routers.get(router);
    if (state === undefined || state.mode === "configure") {
      return this.#options.configure.status(router);
    }
    return {
      pending:
        state.queue.operations +
        (state.inFlight?.pairs ?? 0) +
        (state.fullTable ? 1 : 0) +
        (state.unread ? 1 : 0),
      failures: state.backoff.failures,
    };
  }

  /** Routers with operations pending. */
  routers(): string[] {
    const busy = new Set(this.#options.configure.routers());
    for (const [router, state] of this.#routers) {
      if (state.mode !== "configure" && this.#busy(state)) busy.add(router);
    }
    return [...busy];
  }

  /** Stops sending: calls in flight are cancelled. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const state of this.#routers.values()) {
      state.waiting?.();
      state.inFlight?.abort.abort();
    }
    await Promise.all(this.#running);
    await this.#options.configure.close();
  }

  #state(router: string): RouterState {
    let state = this.#routers.get(router);
    if (state === undefined) {
      state = {
        mode: "probe",
        unread: this.#options.beforeFirstSync !== undefined,
        queue: new RouteChangeQueue(),
        fullTable: false,
        held: 0n,
        staged: undefined,
        retry: undefined,
        inFlight: undefined,
        backoff: new Backoff(this.#options.backoff),
        waiting: undefined,
      };
      this.#routers.set(router, state);
    }
    return state;
  }

  #busy(state: RouterState): boolean {
    return (
      state.unread ||
      !state.queue.empty ||
      state.fullTable ||
      state.inFlight !== undefined ||
      state.retry !== undefined ||
      state.staged !== undefined
    );
  }

  #markDirty(router: string): void {
    this.#dirty.add(router);
    if (!this.#pumpScheduled) this.#schedulePump();
  }

  // One router per turn of the event loop: building and encoding a batch takes a few
  // milliseconds, and announcements waiting in between must not wait for every router's.
  #schedulePump(): void {
    this.#pumpScheduled = true;
    this.#defer(() => {
      this.#pumpScheduled = false;
      const router = this.#dirty.values().next().value;
      if (router === undefined) return;
      this.#dirty.delete(router);
      this.#pump(router);
      if (this.#dirty.size > 0 && !this.#pumpScheduled) this.#schedulePump();
    });
  }

  /** Sends what may go now; called whenever something changed. */
  #pump(router: string): void {
    const state = this.#routers.get(router);
    if (this.#closed || state === undefined) return;
    if (state.inFlight !== undefined || state.waiting !== undefined) return;
    switch (state.mode) {
      case "probe":
        if (state.unread) this.#readFirst(router, state);
        else if (this.#busy(state)) this.#probe(router, state);
        return;
      case "configure":
        if (state.fullTable) {
          state.fullTable = false;
          this.#options.configure.replace(
            router,
            this.#options.fullTable(router).flatMap(toEdgeRouterConfs),
          );
        }
        return;
      case "sync": {
        const batch = state.retry ?? this.#nextBatch(router, state);
        if (batch === undefined) return;
        state.retry = undefined;
        this.#apply(router, state, batch);
      }
    }
  }

  #nextBatch(router: string, state: RouterState): TableBatch | undefined {
    if (state.fullTable) {
      state.fullTable = false;
      state.staged = undefined;
      state.queue.clear();
      state.queue.push(this.#options.fullTable(router));
    }
    if (state.queue.empty) return undefined;
    const taken = state.queue.take(this.#maxPairs);
    if (taken.snapshot) state.staged = 0n;
    const snapshot = state.staged !== undefined;
    return {
      epoch: this.#options.epoch,
      fromVersion: state.staged ?? state.held,
      toVersion: ++this.#counter,
      snapshot,
      partial: snapshot && !state.queue.empty,
      changes: taken.changes,
    };
  }

  #readFirst(router: string, state: RouterState): void {
    const before = this.#options.beforeFirstSync;
    if (before === undefined) {
      state.unread = false;
      return;
    }
    const done = () => {
      state.unread = false;
    };
    // UNIMPLEMENTED: nothing to read there; the router is installed as it would be without.
    this.#call(router, state, 0, (call) => before(router, call), { ok: done, unimplemented: done });
  }

  #probe(router: string, state: RouterState): void {
    this.#call(router, state, 0, (call) => this.#options.send.getVersion(router, call), {
      ok: (held) => {
        state.mode = "sync";
        this.#options.listener?.mode?.(router, "sync");
        // What a router held before this controller's first word is not known: all of it goes.
        if (held.epoch !== this.#options.epoch || held.version !== state.held) {
          state.fullTable = true;
          state.queue.clear();
        }
      },
      unimplemented: () => this.#toConfigure(router, state),
    });
  }

  #apply(router: string, state: RouterState, batch: TableBatch): void {
    const pairs = batch.changes.reduce((n, c) => n + c.lambdas.length, 0);
    const applied = () => {
      if (batch.partial) {
        state.staged = batch.toVersion;
      } else {
        state.held = batch.toVersion;
        state.staged = undefined;
      }
    };
    this.#call(router, state, pairs, (call) => this.#options.send.applyBatch(router, batch, call), {
      ok: applied,
      mismatch: (held) => {
        // The answer to an earlier attempt was lost, but the batch went through.
        if (held?.epoch === batch.epoch && held.version === batch.toVersion) {
          applied();
          return;
        }
        this.#options.listener?.snapshot?.(router, held);
        state.fullTable = true;
      },
      rejected: (error) => {
        this.#options.listener?.rejected?.(router, error);
        // Nothing of it was applied, and its changes are not retried (as a Configure the router
        // refuses): the next batch starts from the table the router serves.
        state.staged = undefined;
      },
      unimplemented: () => this.#toConfigure(router, state),
      failedBatch: batch,
    });
  }

  #toConfigure(router: string, state: RouterState): void {
    state.mode = "configure";
    this.#options.listener?.mode?.(router, "configure");
    const { configure } = this.#options;
    if (state.fullTable) {
      state.fullTable = false;
      configure.replace(router, this.#options.fullTable(router).flatMap(toEdgeRouterConfs));
    }
    // What was queued goes as it was planned, so such a router sees what it always saw.
    this.#configure(router, state.queue.drain());
  }

  #configure(router: string, ops: readonly RouterOp[]): void {
    if (ops.length === 0) return;
    const confs = ops.flatMap(toEdgeRouterConfs);
    if (ops[0]?.kind === "flush") this.#options.configure.replace(router, confs);
    else this.#options.configure.enqueue(router, confs);
  }

  #call<T>(
    router: string,
    state: RouterState,
    pairs: number,
    send: (call: TableSyncCall) => Promise<T>,
    on: {
      ok: (value: T) => void;
      mismatch?: (held: HeldVersion | undefined) => void;
      rejected?: (error: unknown) => void;
      unimplemented: () => void;
      failedBatch?: TableBatch;
    },
  ): void {
    const inFlight: InFlight = { abort: new AbortController(), pairs };
    state.inFlight = inFlight;
    const settled = this.#withDeadline(send, inFlight.abort).then(
      (value) => ({ value, error: undefined as unknown }),
      (error: unknown) => ({ value: undefined, error }),
    );
    const running = settled
      .then(({ value, error }) => {
        // Dropped (or replaced by a new registration) meanwhile: the outcome no longer counts.
        if (this.#routers.get(router) !== state || this.#closed) return;
        state.inFlight = undefined;
        const { listener } = this.#options;
        const code = error instanceof ConnectError ? error.code : undefined;
        if (error === undefined || error instanceof VersionMismatch) {
          if (state.backoff.failures > 0) listener?.recovered?.(router, state.backoff.failures);
          state.backoff.reset();
          if (error === undefined) on.ok(value as T);
          else on.mismatch?.(error.held);
        } else if (code === Code.Unimplemented) {
          state.backoff.reset();
          on.unimplemented();
        } else if (code === Code.InvalidArgument && on.rejected !== undefined) {
          on.rejected(error);
        } else {
          state.retry = on.failedBatch;
          const delay = state.backoff.next();
          listener?.failed?.(router, error, state.backoff.failures, delay);
          state.waiting = this.#schedule(delay, () => {
            state.waiting = undefined;
            this.#pump(router);
          });
          return;
        }
        if (state.mode === "configure") return;
        if (!this.#busy(state)) listener?.idle?.(router);
        else this.#markDirty(router);
      })
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  // The deadline is enforced here too, not only by the sender's transport: a silent router holds
  // its installation for at most one deadline per attempt whatever the transport does.
  async #withDeadline<T>(send: (call: TableSyncCall) => Promise<T>, abort: AbortController) {
    const { timeoutMs } = this.#options;
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
      return await Promise.race([send({ timeoutMs, signal: abort.signal }), deadline]);
    } finally {
      cancelDeadline?.();
    }
  }
}
