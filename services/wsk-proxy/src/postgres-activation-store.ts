import type { ActivationRecord } from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import pg from "pg";
import type { ActivationFilter, ActivationPage } from "./activation-store.js";
import {
  type ActivationTable,
  BufferedActivationStore,
  type BufferedActivationStoreOptions,
  type StoredActivation,
  safeError,
} from "./buffered-activation-store.js";

/** Any number: it only has to be the same in every proxy that creates the table. */
const SCHEMA_LOCK = 0x50e_ac71;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS activations (
  activation_id TEXT PRIMARY KEY,
  seq BIGSERIAL NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  entity_path TEXT NOT NULL,
  start BIGINT NOT NULL,
  stored_at BIGINT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activations_by_namespace ON activations (namespace, start DESC, seq DESC);
CREATE INDEX IF NOT EXISTS activations_by_stored_at ON activations (stored_at);
CREATE INDEX IF NOT EXISTS activations_by_seq ON activations (seq);
`;

// One statement for a whole batch (arrays, not a VALUES list per size). A record written again
// takes a new seq: it counts as the newest stored, as in the memory store.
const UPSERT = `
INSERT INTO activations (activation_id, namespace, name, entity_path, start, stored_at, record)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
ON CONFLICT (activation_id) DO UPDATE SET
  namespace = EXCLUDED.namespace, name = EXCLUDED.name, entity_path = EXCLUDED.entity_path,
  start = EXCLUDED.start, stored_at = EXCLUDED.stored_at, record = EXCLUDED.record,
  seq = nextval(pg_get_serial_sequence('activations', 'seq'))`;

const PRUNE_COUNT = `
DELETE FROM activations
WHERE seq < (SELECT seq FROM activations ORDER BY seq DESC OFFSET $1 LIMIT 1)`;

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`: what logs and errors may show. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, "***");
    }
    return parsed.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}

function whereOf(
  namespace: string,
  filter: ActivationFilter,
  storedSince: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [namespace, storedSince];
  const clauses = ["namespace = $1", "stored_at >= $2"];
  if (filter.name !== undefined && filter.name !== "") {
    params.push(filter.name);
    clauses.push(`(name = $${params.length} OR entity_path = $${params.length})`);
  }
  if (filter.since !== undefined) {
    params.push(filter.since);
    clauses.push(`start >= $${params.length}`);
  }
  if (filter.upto !== undefined) {
    params.push(filter.upto);
    clauses.push(`start <= $${params.length}`);
  }
  return { sql: clauses.join(" AND "), params };
}

export interface PostgresActivationTableOptions {
  /** Connections at most (default 4). */
  readonly maxConnections?: number;
  /** Longest wait for a connection and for one statement, ms (default 10000). */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** Activations in one PostgreSQL table, shared by every proxy given the same database. */
export class PostgresActivationTable implements ActivationTable {
  readonly #pool: pg.Pool;
  readonly #description: string;
  #schema: Promise<void> | undefined;

  constructor(url: string, options: PostgresActivationTableOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.#description = redactedUrl(url);
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: "wskproxy",
    });
    // An idle connection that breaks (server restart) emits here; unhandled, it would end the
    // process. The next query opens a new one.
    this.#pool.on("error", (error) => {
      options.logger?.warn(
        { store: this.#description, error: safeError(error) },
        "activation store: an idle database connection broke",
      );
    });
  }

  async write(rows: readonly StoredActivation[]): Promise<void> {
    await this.#ready();
    await this.#pool.query(UPSERT, [
      rows.map((r) => r.record.activationId),
      rows.map((r) => r.record.namespace),
      rows.map((r) => r.record.name),
      rows.map((r) => r.entityPath),
      rows.map((r) => r.record.start),
      rows.map((r) => r.storedAt),
      rows.map((r) => JSON.stringify(r.record)),
    ]);
  }

  async get(
    namespace: string,
    activationId: string,
    storedSince: number,
  ): Promise<ActivationRecord | undefined> {
    await this.#ready();
    const { rows } = await this.#pool.query<{ record: string }>(
      "SELECT record FROM activations WHERE activation_id = $1 AND namespace = $2 AND stored_at >= $3",
      [activationId, namespace, storedSince],
    );
    const row = rows[0];
    return row === undefined ? undefined : (JSON.parse(row.record) as ActivationRecord);
  }

  async list(
    namespace: string,
    filter: ActivationFilter,
    page: ActivationPage,
    storedSince: number,
  ): Promise<ActivationRecord[]> {
    await this.#ready();
    const where = whereOf(namespace, filter, storedSince);
    const n = where.params.length;
    const { rows } = await this.#pool.query<{ record: string }>(
      `SELECT record FROM activations WHERE ${where.sql} ORDER BY start DESC, seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...where.params, page.limit, page.skip],
    );
    return rows.map((row) => JSON.parse(row.record) as ActivationRecord);
  }

  async count(namespace: string, filter: ActivationFilter, storedSince: number): Promise<number> {
    await this.#ready();
    const where = whereOf(namespace, filter, storedSince);
    const { rows } = await this.#pool.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM activations WHERE ${where.sql}`,
      where.params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async prune(storedBefore: number, keep: number): Promise<void> {
    await this.#ready();
    await this.#pool.query("DELETE FROM activations WHERE stored_at < $1", [storedBefore]);
    await this.#pool.query(PRUNE_COUNT, [keep - 1]);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** Creates the table once; a failure (database down) is tried again by the next call. */
  #ready(): Promise<void> {
    this.#schema ??= this.#createSchema().catch((error: unknown) => {
      this.#schema = undefined;
      throw error;
    });
    return this.#schema;
  }

  async #createSchema(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      // Two proxies starting together would race on CREATE ... IF NOT EXISTS (it is not atomic
      // in PostgreSQL); the lock makes them take turns.
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

export type PostgresActivationStoreOptions = Omit<BufferedActivationStoreOptions, "table"> &
  Omit<PostgresActivationTableOptions, "logger">;

/** `--activation-store postgres://...`: activations shared by every proxy on the same database. */
export function openPostgresActivationStore(
  url: string,
  options: PostgresActivationStoreOptions = {},
): BufferedActivationStore {
  const { maxConnections, timeoutMs, ...buffered } = options;
  return new BufferedActivationStore({
    description: redactedUrl(url),
    ...buffered,
    table: new PostgresActivationTable(url, {
      ...(maxConnections === undefined ? {} : { maxConnections }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    }),
  });
}
