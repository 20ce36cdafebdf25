import { Writable } from "node:stream";
import type { ActivationRecord } from "@soe/openwhisk";
import { createLogger } from "@soe/runtime";
import { ManualTime } from "@soe/testing";
import { describe, expect, it } from "vitest";
import { buildActivationRecord } from "./activation-record.js";
import type { ActivationFilter, ActivationPage } from "./activation-store.js";
import {
  type ActivationTable,
  BufferedActivationStore,
  type StoredActivation,
  safeError,
} from "./buffered-activation-store.js";

function record(n: number): ActivationRecord {
  return buildActivationRecord({
    activationId: n.toString(16).padStart(32, "0"),
    caller: { namespace: "guest", subject: "guest" },
    action: { namespace: "guest", name: "copy" },
    start: 1000 + n,
    end: 1005 + n,
    status: "success",
    result: { n },
  });
}

/** A table in memory that records its writes and can be made to fail, or to hang. */
class ScriptedTable implements ActivationTable {
  readonly rows = new Map<string, StoredActivation>();
  readonly writes: string[][] = [];
  failWith: Error | undefined;
  prunes = 0;
  closed = false;

  async write(rows: readonly StoredActivation[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.writes.push(rows.map((r) => r.record.activationId));
    for (const row of rows) {
      this.rows.delete(row.record.activationId);
      this.rows.set(row.record.activationId, row);
    }
  }
  async get(namespace: string, id: string, storedSince: number) {
    if (this.failWith) throw this.failWith;
    const row = this.rows.get(id);
    return row && row.record.namespace === namespace && row.storedAt >= storedSince
      ? row.record
      : undefined;
  }
  async list(namespace: string, _f: ActivationFilter, page: ActivationPage, since: number) {
    if (this.failWith) throw this.failWith;
    return [...this.rows.values()]
      .filter((r) => r.record.namespace === namespace && r.storedAt >= since)
      .map((r) => r.record)
      .reverse()
      .slice(page.skip, page.skip + page.limit);
  }
  async count(namespace: string, filter: ActivationFilter, since: number) {
    return (await this.list(namespace, filter, { skip: 0, limit: 1e9 }, since)).length;
  }
  async prune(storedBefore: number, keep: number) {
    if (this.failWith) throw this.failWith;
    this.prunes++;
    for (const [id, row] of this.rows) if (row.storedAt < storedBefore) this.rows.delete(id);
    while (this.rows.size > keep) this.rows.delete(this.rows.keys().next().value as string);
  }
  async close() {
    this.closed = true;
  }
}

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    name: "test",
    level: "debug",
    destination: new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  return { logger, lines };
}

/** Lets promise callbacks run (a write resolving, a flush ending). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("BufferedActivationStore", () => {
  it("answers a put at once and writes puts together after flushDelayMs", async () => {
    const time = new ManualTime();
    const table = new ScriptedTable();
    const store = new BufferedActivationStore({
      table,
      clock: time.clock,
      scheduler: time.schedule,
      flushDelayMs: 5,
    });
    for (let n = 1; n <= 3; n++) await store.put(record(n));
    expect(table.writes).toEqual([]);
    expect(store.health.pending).toBe(3);
    // Buffered records are readable before they are written.
    expect(await store.get("guest", record(2).activationId)).toEqual(record(2));
    time.advanceTo(5);
    await settle();
    expect(table.writes).toEqual([[1, 2, 3].map((n) => record(n).activationId)]);
    expect(store.health).toEqual({ pending: 0, failures: 0, dropped: 0, written: 3 });
  });

  it("writes at once when a batch is full, in batches of batchSize", async () => {
    const time = new ManualTime();
    const table = new ScriptedTable();
    const store = new BufferedActivationStore({
      table,
      clock: time.clock,
      scheduler: time.schedule,
      batchSize: 2,
      maxPending: 10,
    });
    for (let n = 1; n <= 5; n++) await store.put(record(n));
    time.advanceTo(0);
    await store.flush();
    expect(table.writes.map((w) => w.length)).toEqual([2, 2, 1]);
  });

  it("keeps one row per id: the last put wins, also within a batch", async () => {
    const table = new ScriptedTable();
    const time = new ManualTime();
    const store = new BufferedActivationStore({ table, scheduler: time.schedule });
    await store.put({ ...record(1), name: "pending" });
    await store.put(record(2));
    await store.put(record(1));
    await store.flush();
    expect(table.writes).toEqual([[record(2).activationId, record(1).activationId]]);
    expect(table.rows.get(record(1).activationId)?.record).toEqual(record(1));
  });

  it("flushes before listing and counting, so a listing shows every put before it", async () => {
    const table = new ScriptedTable();
    const time = new ManualTime();
    const store = new BufferedActivationStore({ table, scheduler: time.schedule });
    await store.put(record(1));
    await store.put(record(2));
    expect((await store.list("guest", {}, { skip: 0, limit: 10 })).length).toBe(2);
    expect(await store.count("guest", {})).toBe(2);
    expect(time.pending).toBe(0);
  });

  it("never fails a put while the table fails: counts, logs once without secrets, retries with back-off, then writes", async () => {
    const time = new ManualTime();
    const table = new ScriptedTable();
    const { logger, lines } = capturedLogger();
    const store = new BufferedActivationStore({
      table,
      clock: time.clock,
      scheduler: time.schedule,
      logger,
      description: "postgres://soe:***@127.0.0.1:5432/soe",
      maxRetryDelayMs: 400,
    });
    table.failWith = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
      code: "ECONNREFUSED",
    });
    await store.put(record(1));
    time.advanceTo(5);
    await settle();
    await store.put(record(2));
    expect(store.health.failures).toBe(1);
    // Retries at 50, 100, 200, then every 400 ms.
    for (const at of [55, 155, 355, 755]) {
      time.advanceTo(at);
      await settle();
    }
    expect(store.health.failures).toBe(5);
    await expect(store.list("guest", {}, { skip: 0, limit: 10 })).rejects.toThrow(/ECONNREFUSED/);
    expect(store.health.pending).toBe(2);
    table.failWith = undefined;
    time.advanceTo(time.nextAt ?? time.now);
    await settle();
    expect(table.writes).toEqual([[record(1).activationId, record(2).activationId]]);
    expect(store.health).toEqual({ pending: 0, failures: 6, dropped: 0, written: 2 });
    const messages = lines.map((l) => l.msg);
    expect(messages.filter((m) => String(m).includes("refused a write"))).toHaveLength(1);
    expect(messages.filter((m) => String(m).includes("takes writes again"))).toHaveLength(1);
    expect(lines[0]?.error).toEqual({
      type: "Error",
      code: "ECONNREFUSED",
      message: "connect ECONNREFUSED 127.0.0.1:5432",
    });
  });

  it("bounds what waits for a failing table: the oldest records are dropped and counted", async () => {
    const time = new ManualTime();
    const table = new ScriptedTable();
    table.failWith = new Error("down");
    const store = new BufferedActivationStore({
      table,
      scheduler: time.schedule,
      batchSize: 2,
      maxPending: 3,
      logger: capturedLogger().logger,
    });
    await store.put(record(1));
    await store.put(record(2));
    time.advanceTo(0);
    await settle();
    expect(store.health.failures).toBe(1);
    for (let n = 3; n <= 5; n++) await store.put(record(n));
    expect(store.health.pending).toBe(3);
    expect(store.health.dropped).toBe(2);
    table.failWith = undefined;
    expect(await store.get("guest", record(1).activationId)).toBeUndefined();
    await store.flush();
    expect([...table.rows.keys()]).toEqual([3, 4, 5].map((n) => record(n).activationId));
  });

  it("prunes by count after a hundredth of maxCount writes, and by age once a second", async () => {
    const time = new ManualTime();
    const table = new ScriptedTable();
    const store = new BufferedActivationStore({
      table,
      clock: time.clock,
      scheduler: time.schedule,
      maxCount: 200,
      maxAgeMs: 10_000,
    });
    await store.put(record(1));
    await store.flush();
    expect(table.prunes).toBe(1);
    await store.put(record(2));
    await store.flush();
    expect(table.prunes).toBe(1);
    await store.put(record(3));
    await store.flush();
    expect(table.prunes).toBe(2);
    time.advanceTo(1_000);
    await store.put(record(4));
    await store.flush();
    expect(table.prunes).toBe(3);
  });

  it("writes what is buffered on close, then closes the table; later puts are counted as dropped", async () => {
    const table = new ScriptedTable();
    const time = new ManualTime();
    const store = new BufferedActivationStore({ table, scheduler: time.schedule });
    await store.put(record(1));
    await store.close();
    expect(table.rows.size).toBe(1);
    expect(table.closed).toBe(true);
    expect(time.pending).toBe(0);
    await store.put(record(2));
    expect(store.health.dropped).toBe(1);
  });

  it("closes even when the table refuses the last write, counting what is lost", async () => {
    const table = new ScriptedTable();
    const time = new ManualTime();
    const store = new BufferedActivationStore({
      table,
      scheduler: time.schedule,
      logger: capturedLogger().logger,
    });
    table.failWith = new Error("down");
    await store.put(record(1));
    await store.close();
    expect(table.closed).toBe(true);
    expect(store.health.dropped).toBe(1);
    expect(time.pending).toBe(0);
  });

  it("shows an error's kind, code and message only", () => {
    const error = Object.assign(new Error("password authentication failed for user soe"), {
      code: "28P01",
      config: { password: "hunter2" },
    });
    expect(JSON.stringify(safeError(error))).not.toContain("hunter2");
    expect(safeError("text")).toEqual({ type: "string", message: "text" });
  });

  it("refuses bounds that could keep nothing", () => {
    const table = new ScriptedTable();
    expect(() => new BufferedActivationStore({ table, maxCount: 0 })).toThrow(RangeError);
    expect(() => new BufferedActivationStore({ table, batchSize: 10, maxPending: 5 })).toThrow(
      RangeError,
    );
  });
});
