import type { ActivationRecord } from "@soe/openwhisk";
import { backgroundScheduler, type Logger, type Scheduler } from "@soe/runtime";
import {
  type ActivationFilter,
  type ActivationPage,
  type ActivationStore,
  entityPathOf,
} from "./activation-store.js";

/** A record as a table keeps it: with what the filters and the retention look at. */
export interface StoredActivation {
  readonly record: ActivationRecord;
  /** `pkg/action` or `action` (see `entityPathOf`). */
  readonly entityPath: string;
  /** Epoch ms, by the store's clock: what retention by age compares. */
  readonly storedAt: number;
}

/**
 * A database table of activations. Every read takes `storedSince`: records stored before it are
 * past their age and must not be returned, even if no prune has deleted them yet.
 */
export interface ActivationTable {
  /** Upserts by activation id, all or nothing; a record written again counts as newest stored. */
  write(rows: readonly StoredActivation[]): Promise<void>;
  get(
    namespace: string,
    activationId: string,
    storedSince: number,
  ): Promise<ActivationRecord | undefined>;
  /** Newest `start` first; among equal starts, the later stored first. */
  list(
    namespace: string,
    filter: ActivationFilter,
    page: ActivationPage,
    storedSince: number,
  ): Promise<ActivationRecord[]>;
  count(namespace: string, filter: ActivationFilter, storedSince: number): Promise<number>;
  /** Deletes records stored before `storedBefore` and all but the `keep` last stored. */
  prune(storedBefore: number, keep: number): Promise<void>;
  close(): Promise<void>;
}

export interface BufferedActivationStoreOptions {
  readonly table: ActivationTable;
  /** Records kept at most (default 10000); the first stored go first. */
  readonly maxCount?: number;
  /** Records older than this, since stored, are forgotten (default 24 h). */
  readonly maxAgeMs?: number;
  /** Epoch ms. */
  readonly clock?: () => number;
  /** How long a put waits for others to share its write, ms (default 5). */
  readonly flushDelayMs?: number;
  /** Records per write at most; this many waiting are written at once (default 256). */
  readonly batchSize?: number;
  /** Records waiting at most while the table fails; beyond, the oldest are dropped (default 10000). */
  readonly maxPending?: number;
  /** The longest pause between retries while the table fails, ms (default 2000). */
  readonly maxRetryDelayMs?: number;
  readonly scheduler?: Scheduler;
  readonly logger?: Logger;
  /** What the logs call the store, e.g. `sqlite:/var/lib/soe/activations.db` (no secrets). */
  readonly description?: string;
}

/** What a durable store has had to put up with since it opened. */
export interface ActivationStoreHealth {
  /** Records waiting to be written now. */
  readonly pending: number;
  /** Writes or prunes the table refused. */
  readonly failures: number;
  /** Records lost: dropped while the table failed (beyond maxPending), or put after close. */
  readonly dropped: number;
  /** Records the table took (a record put again counts again). */
  readonly written: number;
}

/** An error as the logs may show it: its kind, code and message, never the connection it came from. */
export function safeError(error: unknown): { type: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === "string" ? { code } : {}),
    message: error.message,
  };
}

/**
 * The proxy's durable store: puts are buffered and written to the table in batches a few ms
 * later, so that an invocation never waits for a database (issue 11: writes must not slow the
 * invocation path). Reads see buffered records: `get` looks in the buffer first, `list` and
 * `count` flush it before they query. A table that fails does not fail invocations: the records
 * wait (bounded by `maxPending`) and the write is retried with back-off; each failure is counted
 * and the first of a run logged.
 */
export class BufferedActivationStore implements ActivationStore {
  readonly #table: ActivationTable;
  readonly #maxCount: number;
  readonly #maxAgeMs: number;
  readonly #clock: () => number;
  readonly #flushDelayMs: number;
  readonly #batchSize: number;
  readonly #maxPending: number;
  readonly #maxRetryDelayMs: number;
  readonly #scheduler: Scheduler;
  readonly #logger: Logger | undefined;
  readonly #description: string;
  /** Activation id → row, in the order stored; a put again moves the row to the end. */
  #pending = new Map<string, StoredActivation>();
  /** The batch being written now, still readable by `get`. */
  #writing: ReadonlyMap<string, StoredActivation> = new Map();
  #draining: Promise<void> | undefined;
  #cancelTimer: (() => void) | undefined;
  /** Whether the timer set is for a full batch (delay 0). */
  #timerIsNow = false;
  #retryDelayMs = 0;
  #failing = false;
  #failures = 0;
  #dropped = 0;
  #written = 0;
  /** Prune when this many rows were written since the last prune, or a second has passed. */
  readonly #pruneEvery: number;
  #writtenSincePrune = 0;
  #lastPrune = Number.NEGATIVE_INFINITY;
  #closing: Promise<void> | undefined;

  constructor(options: BufferedActivationStoreOptions) {
    this.#table = options.table;
    this.#maxCount = options.maxCount ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60 * 1000;
    this.#clock = options.clock ?? Date.now;
    this.#flushDelayMs = options.flushDelayMs ?? 5;
    this.#batchSize = options.batchSize ?? 256;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 2_000;
    this.#scheduler = options.scheduler ?? backgroundScheduler;
    this.#logger = options.logger;
    this.#description = options.description ?? "activation store";
    if (!(this.#maxCount > 0) || !(this.#maxAgeMs > 0)) {
      throw new RangeError("an activation store must keep at least one record for some time");
    }
    if (!(this.#batchSize > 0) || !(this.#maxPending >= this.#batchSize)) {
      throw new RangeError("batchSize must be positive and maxPending at least batchSize");
    }
    // Pruning costs a scan of the newest rows; 1 % over the bound between prunes is the price.
    this.#pruneEvery = Math.max(1, Math.floor(this.#maxCount / 100));
  }

  get health(): ActivationStoreHealth {
    return {
      pending: this.#pending.size + this.#writing.size,
      failures: this.#failures,
      dropped: this.#dropped,
      written: this.#written,
    };
  }

  async put(record: ActivationRecord): Promise<void> {
    if (this.#closing !== undefined) {
      this.#dropped++;
      return;
    }
    const id = record.activationId;
    this.#pending.delete(id);
    this.#pending.set(id, { record, entityPath: entityPathOf(record), storedAt: this.#clock() });
    if (this.#pending.size > this.#maxPending) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
      if (this.#dropped++ === 0 || this.#dropped % 1000 === 0) {
        this.#logger?.error(
          { store: this.#description, dropped: this.#dropped },
          "activation store: too many records waiting for a failing database; dropping the oldest",
        );
      }
    }
    if (this.#failing) return; // the retry timer is set
    const full = this.#pending.size >= this.#batchSize;
    if (full && !this.#timerIsNow && this.#draining === undefined) {
      // A full batch goes now, not when the timer of its first record fires.
      this.#cancelTimer?.();
      this.#cancelTimer = undefined;
    }
    this.#schedule(full ? 0 : this.#flushDelayMs);
  }

  async get(namespace: string, activationId: string): Promise<ActivationRecord | undefined> {
    const id = activationId.toLowerCase();
    const storedSince = this.#clock() - this.#maxAgeMs;
    const buffered = this.#pending.get(id) ?? this.#writing.get(id);
    if (buffered !== undefined) {
      return buffered.record.namespace === namespace && buffered.storedAt >= storedSince
        ? buffered.record
        : undefined;
    }
    return this.#table.get(namespace, id, storedSince);
  }

  async list(
    namespace: string,
    filter: ActivationFilter,
    page: ActivationPage,
  ): Promise<ActivationRecord[]> {
    await this.flush();
    return this.#table.list(namespace, filter, page, this.#clock() - this.#maxAgeMs);
  }

  async count(namespace: string, filter: ActivationFilter): Promise<number> {
    await this.flush();
    return this.#table.count(namespace, filter, this.#clock() - this.#maxAgeMs);
  }

  /** Writes every buffered record now; rejects if the table refuses (the records stay buffered). */
  flush(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#failing) this.#retryLater();
    });
    return this.#draining;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.flush();
      } catch (error) {
        this.#dropped += this.health.pending;
        this.#logger?.error(
          { store: this.#description, error: safeError(error), lost: this.health.pending },
          "activation store: closing with records the database did not take",
        );
      } finally {
        this.#cancelTimer?.();
        await this.#table.close();
      }
    })();
    return this.#closing;
  }

  #schedule(delayMs: number): void {
    if (this.#cancelTimer !== undefined || this.#draining !== undefined) return;
    this.#timerIsNow = delayMs === 0;
    this.#cancelTimer = this.#scheduler(delayMs, () => {
      this.#cancelTimer = undefined;
      // A failure is counted, logged and retried inside; nobody waits on this flush.
      this.flush().catch(() => {});
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.size > 0) {
      const batch = new Map<string, StoredActivation>();
      for (const [id, row] of this.#pending) {
        if (batch.size >= this.#batchSize) break;
        batch.set(id, row);
      }
      for (const id of batch.keys()) this.#pending.delete(id);
      this.#writing = batch;
      try {
        await this.#table.write([...batch.values()]);
        this.#written += batch.size;
        this.#writtenSincePrune += batch.size;
        if (
          this.#writtenSincePrune >= this.#pruneEvery ||
          this.#clock() - this.#lastPrune >= 1_000
        ) {
          const now = this.#clock();
          await this.#table.prune(now - this.#maxAgeMs, this.#maxCount);
          this.#writtenSincePrune = 0;
          this.#lastPrune = now;
        }
      } catch (error) {
        // Back in front of what came since, unless a newer version of a record came too.
        const retry = new Map<string, StoredActivation>();
        for (const [id, row] of batch) if (!this.#pending.has(id)) retry.set(id, row);
        for (const [id, row] of this.#pending) retry.set(id, row);
        this.#pending = retry;
        this.#failed(error);
        throw error;
      } finally {
        this.#writing = new Map();
      }
      this.#recovered();
    }
  }

  #failed(error: unknown): void {
    this.#failures++;
    this.#retryDelayMs = Math.min(
      this.#maxRetryDelayMs,
      Math.max(this.#flushDelayMs, 50, this.#retryDelayMs * 2),
    );
    if (!this.#failing) {
      this.#failing = true;
      this.#logger?.error(
        { store: this.#description, error: safeError(error), pending: this.#pending.size },
        "activation store: the database refused a write; records wait in memory and the write is retried",
      );
    }
  }

  #retryLater(): void {
    if (this.#closing !== undefined) return;
    if (this.#cancelTimer !== undefined || this.#draining !== undefined) return;
    this.#cancelTimer = this.#scheduler(this.#retryDelayMs, () => {
      this.#cancelTimer = undefined;
      this.flush().catch(() => {});
    });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#retryDelayMs = 0;
    this.#logger?.info(
      { store: this.#description, failures: this.#failures, dropped: this.#dropped },
      "activation store: the database takes writes again",
    );
  }
}
