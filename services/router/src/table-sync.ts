import {
  checkChanges,
  type RouteChangeSet,
  type RouterTables,
  type StagedTables,
} from "./router-tables.js";

/** Where the tables stand (`soe.v1.TableVersion`). */
export interface HeldVersion {
  readonly epoch: string;
  readonly version: bigint;
}

/** The fields of an `ApplyBatchRequest` the router reads (the proto message satisfies it). */
export interface TableBatch {
  readonly epoch: string;
  readonly fromVersion: bigint;
  readonly toVersion: bigint;
  readonly snapshot: boolean;
  readonly partial: boolean;
  readonly changes: readonly RouteChangeSet[];
}

/** The batch does not start where the router stands: FAILED_PRECONDITION, with `held`. */
export class VersionMismatch extends Error {
  override readonly name = "VersionMismatch";
  constructor(
    readonly held: HeldVersion,
    batch: TableBatch,
  ) {
    super(
      `batch ${batch.fromVersion}→${batch.toVersion} of epoch ${batch.epoch} does not apply to ` +
        `version ${held.version} of epoch ${held.epoch || "(none)"}`,
    );
  }
}

/** A batch that no router could apply (bad versions, bad change): INVALID_ARGUMENT. */
export class InvalidBatch extends Error {
  override readonly name = "InvalidBatch";
}

/** What a batch did, for logs. */
export interface BatchOutcome {
  readonly held: HeldVersion;
  /** True when the batch is a snapshot part kept aside until its last part arrives. */
  readonly staged: boolean;
  /** Pairs the batch carried. */
  readonly pairs: number;
}

interface Staging {
  readonly epoch: string;
  version: bigint;
  readonly tables: StagedTables;
}

/** What the router's other parts hear of table-sync changes (health forgets its probes). */
export interface TableSyncHooks {
  /** A batch took the pair out of the tables. */
  removed?(lambda: string, destination: string): void;
  /** A snapshot replaced the tables, as a FLUSH would have emptied them. */
  replaced?(): void;
}

const NEVER_SYNCED: HeldVersion = { epoch: "", version: 0n };

/**
 * The router's half of `soe.v1.TableSyncService` (see table_sync.proto): versioned batches applied
 * to the tables entirely or not at all, and snapshots built part by part in tables of their own
 * while the old ones keep serving, swapped in with the last part (one step, however large the
 * table). Pure and synchronous: the RPC handler only maps outcomes and errors.
 */
export class TableSync {
  readonly #tables: RouterTables;
  readonly #hooks: TableSyncHooks;
  #held: HeldVersion = NEVER_SYNCED;
  #staging: Staging | undefined;

  constructor(tables: RouterTables, hooks: TableSyncHooks = {}) {
    this.#tables = tables;
    this.#hooks = hooks;
  }

  get held(): HeldVersion {
    return this.#held;
  }

  /** Throws VersionMismatch or InvalidBatch (and changes nothing then). */
  apply(batch: TableBatch): BatchOutcome {
    if (batch.epoch === "") throw new InvalidBatch("a batch needs an epoch");
    if (!(batch.toVersion > batch.fromVersion)) {
      throw new InvalidBatch(`to_version ${batch.toVersion} is not after ${batch.fromVersion}`);
    }
    if (batch.partial && !batch.snapshot) throw new InvalidBatch("only a snapshot comes in parts");
    const pairs = batch.changes.reduce((n, c) => n + c.lambdas.length, 0);
    // A retry whose first answer was lost: already applied, nothing to do.
    if (this.#holds(batch)) return { held: this.#held, staged: false, pairs };
    if (batch.snapshot) return { ...this.#snapshotPart(batch), pairs };

    if (batch.epoch !== this.#held.epoch || batch.fromVersion !== this.#held.version) {
      throw new VersionMismatch(this.#held, batch);
    }
    check(batch.changes);
    this.#tables.applyChanges(batch.changes, (lambda, destination) =>
      this.#hooks.removed?.(lambda, destination),
    );
    this.#held = { epoch: batch.epoch, version: batch.toVersion };
    return { held: this.#held, staged: false, pairs };
  }

  #holds(batch: TableBatch): boolean {
    if (batch.partial) {
      const staging = this.#staging;
      return staging?.epoch === batch.epoch && staging.version === batch.toVersion;
    }
    return this.#held.epoch === batch.epoch && this.#held.version === batch.toVersion;
  }

  #snapshotPart(batch: TableBatch): { held: HeldVersion; staged: boolean } {
    check(batch.changes);
    let staging = this.#staging;
    if (batch.fromVersion === 0n) {
      staging = { epoch: batch.epoch, version: 0n, tables: this.#tables.stage() };
    } else if (staging?.epoch !== batch.epoch || staging.version !== batch.fromVersion) {
      // The earlier parts are gone (this router restarted, or another snapshot began).
      throw new VersionMismatch(this.#held, batch);
    }
    // Only once the part is known to apply does it replace a staging in progress.
    this.#staging = staging;
    staging.tables.apply(batch.changes);
    staging.version = batch.toVersion;
    if (batch.partial) return { held: this.#held, staged: true };

    this.#tables.swap(staging.tables);
    this.#hooks.replaced?.();
    this.#staging = undefined;
    this.#held = { epoch: batch.epoch, version: batch.toVersion };
    return { held: this.#held, staged: false };
  }
}

function check(changes: readonly RouteChangeSet[]): void {
  try {
    checkChanges(changes);
  } catch (error) {
    throw new InvalidBatch((error as Error).message);
  }
}
