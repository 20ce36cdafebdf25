import type { ActivationRecord } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { buildActivationRecord } from "./activation-record.js";
import { MemoryActivationStore } from "./activation-store.js";

function record(
  n: number,
  options: { namespace?: string; pkg?: string; name?: string } = {},
): ActivationRecord {
  const namespace = options.namespace ?? "guest";
  return buildActivationRecord({
    activationId: n.toString(16).padStart(32, "0"),
    caller: { namespace, subject: namespace },
    action: { namespace, packageName: options.pkg, name: options.name ?? "copy" },
    start: 1000 + n,
    end: 1005 + n,
    status: "success",
    result: { n },
  });
}

describe("MemoryActivationStore", () => {
  it("gives a record back only in its own namespace", async () => {
    const store = new MemoryActivationStore();
    await store.put(record(1));
    await store.put(record(2, { namespace: "team" }));
    expect(await store.get("guest", record(1).activationId)).toEqual(record(1));
    expect(await store.get("team", record(1).activationId)).toBeUndefined();
    expect(await store.get("team", record(2).activationId)).toEqual(
      record(2, { namespace: "team" }),
    );
  });

  it("keeps at most maxCount records, forgetting the oldest first", async () => {
    const store = new MemoryActivationStore({ maxCount: 3 });
    for (let n = 1; n <= 5; n++) await store.put(record(n));
    expect(store.size).toBe(3);
    expect(await store.get("guest", record(2).activationId)).toBeUndefined();
    expect((await store.list("guest", {}, { skip: 0, limit: 10 })).map((r) => r.start)).toEqual([
      1005, 1004, 1003,
    ]);
  });

  it("forgets records older than maxAgeMs, by the injected clock", async () => {
    let now = 0;
    const store = new MemoryActivationStore({ maxAgeMs: 1000, clock: () => now });
    await store.put(record(1));
    now = 600;
    await store.put(record(2));
    now = 1001;
    expect(await store.get("guest", record(1).activationId)).toBeUndefined();
    expect(await store.get("guest", record(2).activationId)).toBeDefined();
    now = 1601;
    expect(store.size).toBe(0);
  });

  it("lists newest first, filtered by name, package/name and start bounds, paged and counted", async () => {
    const store = new MemoryActivationStore();
    await store.put(record(1));
    await store.put(record(2, { pkg: "demo", name: "hello" }));
    await store.put(record(3));
    await store.put(record(4, { name: "echo" }));
    const page = { skip: 0, limit: 30 };
    const starts = async (filter: object, p = page) =>
      (await store.list("guest", filter, p)).map((r) => r.start);
    expect(await starts({})).toEqual([1004, 1003, 1002, 1001]);
    expect(await starts({ name: "copy" })).toEqual([1003, 1001]);
    expect(await starts({ name: "hello" })).toEqual([1002]);
    expect(await starts({ name: "demo/hello" })).toEqual([1002]);
    expect(await starts({ since: 1002, upto: 1003 })).toEqual([1003, 1002]);
    expect(await starts({}, { skip: 1, limit: 2 })).toEqual([1003, 1002]);
    expect(await store.count("guest", { name: "copy" })).toBe(2);
    expect(await store.count("team", {})).toBe(0);
  });

  it("replaces a record stored again under the same id", async () => {
    const store = new MemoryActivationStore();
    await store.put(record(1));
    await store.put({ ...record(1), name: "again" });
    expect(store.size).toBe(1);
    expect((await store.get("guest", record(1).activationId))?.name).toBe("again");
  });

  it("refuses bounds that could keep nothing", () => {
    expect(() => new MemoryActivationStore({ maxCount: 0 })).toThrow(RangeError);
    expect(() => new MemoryActivationStore({ maxAgeMs: -1 })).toThrow(RangeError);
  });
});
