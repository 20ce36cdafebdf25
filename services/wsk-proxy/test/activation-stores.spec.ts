import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ActivationRecord } from "@soe/openwhisk";
import { type PostgresServer, startPostgresServer } from "@soe/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildActivationRecord } from "../src/activation-record.js";
import { type ActivationStore, MemoryActivationStore } from "../src/activation-store.js";
import { openPostgresActivationStore } from "../src/postgres-activation-store.js";
import { openSqliteActivationStore } from "../src/sqlite-activation-store.js";

// One behaviour, three stores: what the proxy's routes and invoker see must not depend on
// which one --activation-store picked.

interface StoreOptions {
  readonly maxCount?: number;
  readonly maxAgeMs?: number;
  readonly clock?: () => number;
}

interface StoreKind {
  readonly name: string;
  /** Opens a store on a new, empty place; `again` opens a second store on the same place. */
  open(options?: StoreOptions): Promise<{
    store: ActivationStore;
    again?: (options?: StoreOptions) => ActivationStore;
  }>;
}

let postgres: PostgresServer;
let scratch: string;
let databases = 0;
const opened: ActivationStore[] = [];

beforeAll(async () => {
  postgres = await startPostgresServer();
  scratch = mkdtempSync(join(tmpdir(), "soe-activations-"));
}, 60_000);
afterAll(async () => {
  await postgres?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close?.();
});

function track<S extends ActivationStore>(store: S): S {
  opened.push(store);
  return store;
}

const kinds: StoreKind[] = [
  {
    name: "memory",
    async open(options = {}) {
      return { store: track(new MemoryActivationStore(options)) };
    },
  },
  {
    name: "sqlite",
    async open(options = {}) {
      const path = join(scratch, `store-${databases++}`, "activations.db");
      return {
        store: track(openSqliteActivationStore(path, options)),
        again: (more = options) => track(openSqliteActivationStore(path, more)),
      };
    },
  },
  {
    name: "postgres",
    async open(options = {}) {
      const url = await postgres.createDatabase(`store_${databases++}`);
      return {
        store: track(openPostgresActivationStore(url, options)),
        again: (more = options) => track(openPostgresActivationStore(url, more)),
      };
    },
  },
];

function record(
  n: number,
  options: { namespace?: string; pkg?: string; name?: string; start?: number } = {},
): ActivationRecord {
  const namespace = options.namespace ?? "guest";
  const start = options.start ?? 1000 + n;
  return buildActivationRecord({
    activationId: n.toString(16).padStart(32, "0"),
    caller: { namespace, subject: namespace },
    action: { namespace, packageName: options.pkg, name: options.name ?? "copy" },
    start,
    end: start + 5,
    status: "success",
    result: { n },
  });
}

const everything = { skip: 0, limit: 200 };

describe.each(kinds)("$name activation store", (kind) => {
  it("gives a record back only in its own namespace", async () => {
    const { store } = await kind.open();
    await store.put(record(1));
    await store.put(record(2, { namespace: "team" }));
    expect(await store.get("guest", record(1).activationId)).toEqual(record(1));
    expect(await store.get("team", record(1).activationId)).toBeUndefined();
    expect(await store.get("team", record(2).activationId)).toEqual(
      record(2, { namespace: "team" }),
    );
    expect(await store.count("guest", {})).toBe(1);
    expect((await store.list("team", {}, everything)).map((r) => r.activationId)).toEqual([
      record(2).activationId,
    ]);
    expect(await store.get("guest", "f".repeat(32))).toBeUndefined();
  });

  it("replaces a record put again under its id (a pending record, then the final one)", async () => {
    const { store } = await kind.open();
    const pending = { ...record(1), response: { status: "", statusCode: 0, success: false } };
    await store.put(pending as ActivationRecord);
    expect((await store.list("guest", {}, everything)).length).toBe(1);
    await store.put(record(1));
    expect(await store.get("guest", record(1).activationId)).toEqual(record(1));
    expect(await store.list("guest", {}, everything)).toEqual([record(1)]);
    expect(await store.count("guest", {})).toBe(1);
  });

  it("finds a record by its id in upper case too, as OpenWhisk does", async () => {
    const { store } = await kind.open();
    await store.put(record(0xabc));
    expect(await store.get("guest", record(0xabc).activationId.toUpperCase())).toEqual(
      record(0xabc),
    );
  });

  it("lists newest first, filtered by name, package/name and start bounds, paged and counted", async () => {
    const { store } = await kind.open();
    await store.put(record(1));
    await store.put(record(2, { pkg: "demo", name: "hello" }));
    await store.put(record(3));
    await store.put(record(4, { name: "echo" }));
    await store.put(record(5, { start: 1003 }));
    const starts = async (filter: object, page = everything) =>
      (await store.list("guest", filter, page)).map((r) => [r.start, r.name]);
    // Equal starts: the later stored first.
    expect(await starts({})).toEqual([
      [1004, "echo"],
      [1003, "copy"],
      [1003, "copy"],
      [1002, "hello"],
      [1001, "copy"],
    ]);
    expect(
      (await store.list("guest", { since: 1003, upto: 1003 }, everything)).map(
        (r) => r.activationId,
      ),
    ).toEqual([record(5).activationId, record(3).activationId]);
    expect(await starts({ name: "copy" })).toEqual([
      [1003, "copy"],
      [1003, "copy"],
      [1001, "copy"],
    ]);
    expect(await starts({ name: "hello" })).toEqual([[1002, "hello"]]);
    expect(await starts({ name: "demo/hello" })).toEqual([[1002, "hello"]]);
    expect(await starts({ name: "other/hello" })).toEqual([]);
    expect(await starts({ name: "" })).toHaveLength(5);
    expect(await starts({ since: 1002, upto: 1003 })).toEqual([
      [1003, "copy"],
      [1003, "copy"],
      [1002, "hello"],
    ]);
    expect(await starts({}, { skip: 1, limit: 2 })).toEqual([
      [1003, "copy"],
      [1003, "copy"],
    ]);
    expect(await starts({}, { skip: 5, limit: 2 })).toEqual([]);
    expect(await store.count("guest", { name: "copy" })).toBe(3);
    expect(await store.count("guest", { name: "copy", since: 1002 })).toBe(2);
    expect(await store.count("team", {})).toBe(0);
  });

  it("keeps at most maxCount records, forgetting the first stored first", async () => {
    const { store } = await kind.open({ maxCount: 3 });
    for (let n = 1; n <= 5; n++) await store.put(record(n));
    expect((await store.list("guest", {}, everything)).map((r) => r.start)).toEqual([
      1005, 1004, 1003,
    ]);
    expect(await store.count("guest", {})).toBe(3);
    expect(await store.get("guest", record(2).activationId)).toBeUndefined();
    // Stored again, a record is the newest stored: the others go first.
    await store.put(record(3));
    await store.put(record(6));
    expect((await store.list("guest", {}, everything)).map((r) => r.start)).toEqual([
      1006, 1005, 1003,
    ]);
  });

  it("forgets records older than maxAgeMs since stored, by the injected clock", async () => {
    let now = 0;
    const { store } = await kind.open({ maxAgeMs: 1000, clock: () => now });
    await store.put(record(1));
    now = 600;
    await store.put(record(2));
    expect(await store.count("guest", {})).toBe(2);
    now = 1001;
    expect(await store.get("guest", record(1).activationId)).toBeUndefined();
    expect(await store.get("guest", record(2).activationId)).toEqual(record(2));
    expect((await store.list("guest", {}, everything)).map((r) => r.start)).toEqual([1002]);
    now = 1601;
    expect(await store.count("guest", {})).toBe(0);
    expect(await store.list("guest", {}, everything)).toEqual([]);
  });

  // A memory store has nothing after close() and no second view: these two are the durable
  // stores' (defined only for them, rather than skipped for memory).
  const itDurable = kind.name === "memory" ? undefined : it;

  itDurable?.("keeps its records across a close and a reopen (a proxy restart)", async () => {
    const { store, again } = await kind.open();
    for (let n = 1; n <= 3; n++) await store.put(record(n));
    await store.put(record(4, { namespace: "team" }));
    // No wait: close() writes what is still buffered.
    await store.close?.();
    const reopened = again?.();
    expect(reopened).toBeDefined();
    if (reopened === undefined) return;
    expect(await reopened.get("guest", record(2).activationId)).toEqual(record(2));
    expect((await reopened.list("guest", {}, everything)).map((r) => r.start)).toEqual([
      1003, 1002, 1001,
    ]);
    expect(await reopened.count("team", {})).toBe(1);
  });

  itDurable?.("shows one store's records to a second store on the same place", async () => {
    const { store, again } = await kind.open();
    const other = again?.();
    if (other === undefined) throw new Error("no second store");
    await store.put(record(1));
    await other.put(record(2));
    // Each reads what the other wrote once it is written (a listing writes its own first).
    expect((await store.list("guest", {}, everything)).map((r) => r.start)).toContain(1001);
    expect((await other.list("guest", {}, everything)).map((r) => r.start)).toEqual([1002, 1001]);
    expect(await store.get("guest", record(2).activationId)).toEqual(record(2));
  });
});
