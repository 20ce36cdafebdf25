import type { ActivationRecord } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { ActivationStore } from "./activation-store.js";

function record(id: number, fields: Partial<ActivationRecord> = {}): ActivationRecord {
  return {
    activationId: id.toString(16).padStart(32, "0"),
    namespace: "guest",
    name: "copy",
    version: "0.0.1",
    subject: "guest",
    publish: false,
    start: 1000 + id,
    end: 1005 + id,
    duration: 5,
    response: { status: "application error", success: false, result: { error: "x" } },
    logs: ["line"],
    annotations: [],
    ...fields,
  };
}

describe("ActivationStore", () => {
  it("finds records by namespace and id, in any hex case", () => {
    const store = new ActivationStore(10);
    store.add(record(10), "copy");
    expect(store.get("guest", record(10).activationId.toUpperCase())).toEqual(record(10));
    expect(store.get("other", record(10).activationId)).toBeUndefined();
  });

  it("forgets the oldest beyond its capacity", () => {
    const store = new ActivationStore(2);
    for (const id of [1, 2, 3]) store.add(record(id), "copy");
    expect(store.size).toBe(2);
    expect(store.get("guest", record(1).activationId)).toBeUndefined();
    expect(store.get("guest", record(3).activationId)).toBeDefined();
  });

  it("lists newest first, filtered by name, package path and time", () => {
    const store = new ActivationStore(10);
    store.add(record(3), "copy");
    store.add(record(1, { name: "hello" }), "demo/hello");
    store.add(record(2), "copy");
    expect(store.list("guest").map((r) => r.start)).toEqual([1003, 1002, 1001]);
    expect(store.list("guest", { name: "demo/hello" }).map((r) => r.name)).toEqual(["hello"]);
    expect(store.list("guest", { name: "hello" })).toHaveLength(1);
    expect(store.list("guest", { since: 1002, upto: 1002 }).map((r) => r.start)).toEqual([1002]);
  });
});
