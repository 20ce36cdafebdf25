import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { ActivationRecord } from "@soe/openwhisk";
import type BetterSqlite3 from "better-sqlite3";
import type { ActivationFilter, ActivationPage } from "./activation-store.js";
import {
  type ActivationTable,
  BufferedActivationStore,
  type BufferedActivationStoreOptions,
  type StoredActivation,
} from "./buffered-activation-store.js";

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/**
 * better-sqlite3 is an optional dependency: its native addon builds only where a compiler and
 * Node's headers are (not in the images' slim builder). Loaded on first use, so that a proxy
 * without it still runs with the other stores.
 */
function openDatabase(path: string): Database {
  const missing = (error: unknown) =>
    new Error(
      `the sqlite activation store needs better-sqlite3's native addon, which is not built here (${(error as Error).message.split("\n")[0]}): reinstall with a C++ compiler and Node's headers (npm_config_nodedir), or use --activation-store memory or postgres://...`,
    );
  let Driver: typeof BetterSqlite3;
  try {
    Driver = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
  } catch (error) {
    throw missing(error);
  }
  try {
    return new Driver(path);
  } catch (error) {
    // The package's JavaScript loads without its addon; the addon is looked for here.
    if (/bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/.test(String(error))) {
      throw missing(error);
    }
    throw error;
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS activations (
  seq INTEGER PRIMARY KEY,
  activation_id TEXT NOT NULL UNIQUE,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  entity_path TEXT NOT NULL,
  start INTEGER NOT NULL,
  stored_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activations_by_namespace ON activations (namespace, start DESC, seq DESC);
CREATE INDEX IF NOT EXISTS activations_by_stored_at ON activations (stored_at);
`;

/** The WHERE clause of a listing and its parameters, in order. */
function whereOf(
  namespace: string,
  filter: ActivationFilter,
  storedSince: number,
): { sql: string; params: unknown[] } {
  const clauses = ["namespace = ?", "stored_at >= ?"];
  const params: unknown[] = [namespace, storedSince];
  if (filter.name !== undefined && filter.name !== "") {
    clauses.push("(name = ? OR entity_path = ?)");
    params.push(filter.name, filter.name);
  }
  if (filter.since !== undefined) {
    clauses.push("start >= ?");
    params.push(filter.since);
  }
  if (filter.upto !== undefined) {
    clauses.push("start <= ?");
    params.push(filter.upto);
  }
  return { sql: clauses.join(" AND "), params };
}

/** Activations in one SQLite file (WAL: readers do not block the writer). */
export class SqliteActivationTable implements ActivationTable {
  readonly #db: Database;
  readonly #upsert: Statement;
  readonly #get: Statement;
  readonly #deleteStoredBefore: Statement;
  readonly #seqToKeep: Statement;
  readonly #deleteSeqBelow: Statement;
  /** Statements by their SQL: a listing's shape depends on which filters it has. */
  readonly #statements = new Map<string, Statement>();

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = openDatabase(path);
    this.#db.pragma("journal_mode = WAL");
    // WAL with NORMAL: a commit is not fsynced (a power cut may lose the last ones), a crash of
    // the process loses nothing; the activations are a log, not a ledger.
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(SCHEMA);
    // REPLACE deletes the old row and inserts a new one: a record written again gets a new seq,
    // so it counts as the newest stored, as in the memory store.
    this.#upsert = this.#db.prepare(
      `INSERT OR REPLACE INTO activations (activation_id, namespace, name, entity_path, start, stored_at, record)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#get = this.#db.prepare(
      "SELECT record FROM activations WHERE activation_id = ? AND namespace = ? AND stored_at >= ?",
    );
    this.#deleteStoredBefore = this.#db.prepare("DELETE FROM activations WHERE stored_at < ?");
    this.#seqToKeep = this.#db.prepare(
      "SELECT seq FROM activations ORDER BY seq DESC LIMIT 1 OFFSET ?",
    );
    this.#deleteSeqBelow = this.#db.prepare("DELETE FROM activations WHERE seq < ?");
  }

  async write(rows: readonly StoredActivation[]): Promise<void> {
    this.#db.transaction(() => {
      for (const { record, entityPath, storedAt } of rows) {
        this.#upsert.run(
          record.activationId,
          record.namespace,
          record.name,
          entityPath,
          record.start,
          storedAt,
          JSON.stringify(record),
        );
      }
    })();
  }

  async get(
    namespace: string,
    activationId: string,
    storedSince: number,
  ): Promise<ActivationRecord | undefined> {
    const row = this.#get.get(activationId, namespace, storedSince) as
      | { record: string }
      | undefined;
    return row === undefined ? undefined : (JSON.parse(row.record) as ActivationRecord);
  }

  async list(
    namespace: string,
    filter: ActivationFilter,
    page: ActivationPage,
    storedSince: number,
  ): Promise<ActivationRecord[]> {
    const where = whereOf(namespace, filter, storedSince);
    const rows = this.#statement(
      `SELECT record FROM activations WHERE ${where.sql} ORDER BY start DESC, seq DESC LIMIT ? OFFSET ?`,
    ).all(...where.params, page.limit, page.skip) as Array<{ record: string }>;
    return rows.map((row) => JSON.parse(row.record) as ActivationRecord);
  }

  async count(namespace: string, filter: ActivationFilter, storedSince: number): Promise<number> {
    const where = whereOf(namespace, filter, storedSince);
    const row = this.#statement(`SELECT COUNT(*) AS n FROM activations WHERE ${where.sql}`).get(
      ...where.params,
    ) as { n: number };
    return row.n;
  }

  async prune(storedBefore: number, keep: number): Promise<void> {
    this.#deleteStoredBefore.run(storedBefore);
    const oldestKept = this.#seqToKeep.get(keep - 1) as { seq: number } | undefined;
    if (oldestKept !== undefined) this.#deleteSeqBelow.run(oldestKept.seq);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

export type SqliteActivationStoreOptions = Omit<BufferedActivationStoreOptions, "table">;

/** `--activation-store sqlite:PATH`: the embedded durable store; the file's folder is created. */
export function openSqliteActivationStore(
  path: string,
  options: SqliteActivationStoreOptions = {},
): BufferedActivationStore {
  return new BufferedActivationStore({
    description: `sqlite:${path}`,
    ...options,
    table: new SqliteActivationTable(path),
  });
}
