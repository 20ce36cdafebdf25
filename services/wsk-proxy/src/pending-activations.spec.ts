import type { ActivationRecord } from "@soe/openwhisk";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { buildActivationRecord } from "./activation-record.js";
import { MemoryActivationStore } from "./activation-store.js";
import type { BackendActivations } from "./backend-activations.js";
import { logsUnread, pendingOf, pendingRecord, withLogsUnread } from "./pending-activation.js";
import { PendingActivations } from "./pending-activations.js";

const logger = createLogger({ name: "test", level: "silent" });
const caller = { namespace: "guest", subject: "guest" };
const action = { namespace: "guest", name: "slow" };

function record(activationId: string, start: number): ActivationRecord {
  return buildActivationRecord({
    activationId,
    caller,
    action,
    start,
    end: start,
    status: "success",
    result: {},
  });
}

const id = (n: number) => n.toString(16).padStart(32, "0");
const backendId = (n: number) => `b${id(n).slice(1)}`;

/** Installations whose records the test writes; every call counted, failures on demand. */
function fakeBackend() {
  const records = new Map<string, ActivationRecord>();
  const calls: string[] = [];
  let failing = false;
  const byCaller = new Map<string, ActivationRecord>();
  const backend: BackendActivations = {
    async get(installation, activationId) {
      calls.push(`${installation} ${activationId}`);
      if (failing) throw new Error("connect ECONNREFUSED");
      return records.get(activationId);
    },
    async find(callerId) {
      calls.push(`find ${callerId}`);
      if (failing) throw new Error("controller down");
      return byCaller.get(callerId);
    },
    close() {},
  };
  return {
    backend,
    calls,
    finish(n: number, result: unknown) {
      records.set(backendId(n), {
        ...record(backendId(n), 5_000 + n),
        response: { status: "success", success: true, result },
        logs: [`log of ${n}`],
      });
    },
    fail(value: boolean) {
      failing = value;
    },
    ranAs(callerId: string, logs: string[]) {
      byCaller.set(callerId, {
        ...record("f".repeat(32), 1),
        logs,
        annotations: [{ key: "kind", value: "nodejs:20" }],
      });
    },
  };
}

async function setup() {
  const store = new MemoryActivationStore();
  const fake = fakeBackend();
  const pending = new PendingActivations({ store, backend: fake.backend, logger });
  const putPending = (n: number) =>
    store.put(
      pendingRecord(record(id(n), 1_000 + n), {
        activationId: backendId(n),
        installation: "10.0.0.7:6480",
      }),
    );
  return { store, fake, pending, putPending };
}

describe("PendingActivations", () => {
  it("reads a pending activation as absent until its backend has the record, then completes and keeps it", async () => {
    const { store, fake, pending, putPending } = await setup();
    await putPending(1);
    expect(await pending.get("guest", id(1))).toBeUndefined();

    fake.finish(1, { done: 1 });
    const final = await pending.get("guest", id(1));
    expect(final).toMatchObject({
      activationId: id(1),
      response: { result: { done: 1 } },
      logs: ["log of 1"],
    });
    const stored = await store.get("guest", id(1));
    expect(stored).toEqual(final);
    expect(pendingOf(stored as ActivationRecord)).toBeUndefined();

    // Completed: read from the store alone from now on.
    const asked = fake.calls.length;
    expect(await pending.get("guest", id(1))).toEqual(final);
    expect(fake.calls.length).toBe(asked);
  });

  it("asks the backend once for concurrent reads of one activation", async () => {
    const { fake, pending, putPending } = await setup();
    await putPending(2);
    fake.finish(2, "x");
    const reads = await Promise.all([1, 2, 3].map(() => pending.get("guest", id(2))));
    expect(reads.map((r) => r?.response.result)).toEqual(["x", "x", "x"]);
    expect(fake.calls).toEqual([`10.0.0.7:6480 ${backendId(2)}`]);
  });

  it("reads an unreachable backend as not yet, and completes once it answers", async () => {
    const { fake, pending, putPending } = await setup();
    await putPending(3);
    fake.finish(3, "late");
    fake.fail(true);
    expect(await pending.get("guest", id(3))).toBeUndefined();
    fake.fail(false);
    expect((await pending.get("guest", id(3)))?.response.result).toBe("late");
  });

  it("shows a page with finished activations completed and running ones left out", async () => {
    const { store, fake, pending, putPending } = await setup();
    await store.put(record(id(10), 1_010));
    await putPending(11);
    await putPending(12);
    fake.finish(12, "done");
    const page = await pending.visible(await store.list("guest", {}, { skip: 0, limit: 10 }));
    expect(page.map((r) => r.activationId)).toEqual([id(12), id(10)]);
    expect(page[0]?.response.result).toBe("done");
  });

  it("reads the logs of a record answered at once the first time it is read, and only then", async () => {
    const { store, fake, pending } = await setup();
    await store.put(withLogsUnread(record(id(20), 1_020)));
    fake.ranAs(id(20), ["stdout: hi"]);
    const read = await pending.get("guest", id(20));
    expect(read?.logs).toEqual(["stdout: hi"]);
    expect(read?.annotations).toContainEqual({ key: "kind", value: "nodejs:20" });
    expect(logsUnread(read as ActivationRecord)).toBe(false);
    expect(await store.get("guest", id(20))).toEqual(read);
    expect(await pending.get("guest", id(20))).toEqual(read);
    expect(fake.calls).toEqual([`find ${id(20)}`]);
  });

  it("keeps a record no installation ran without logs, asking once; asks again after a failure", async () => {
    const { store, fake, pending } = await setup();
    await store.put(withLogsUnread(record(id(21), 1_021)));
    await store.put(withLogsUnread(record(id(22), 1_022)));
    expect((await pending.get("guest", id(21)))?.logs).toEqual([]);
    expect((await pending.get("guest", id(21)))?.logs).toEqual([]);
    fake.fail(true);
    const failed = await pending.get("guest", id(22));
    expect(failed?.logs).toEqual([]);
    expect(logsUnread(failed as ActivationRecord)).toBe(false);
    fake.fail(false);
    fake.ranAs(id(22), ["stdout: later"]);
    expect((await pending.get("guest", id(22)))?.logs).toEqual(["stdout: later"]);
    expect(fake.calls).toEqual([`find ${id(21)}`, `find ${id(22)}`, `find ${id(22)}`]);
  });

  it("lists records answered at once without their marks and without reading logs", async () => {
    const { store, fake, pending } = await setup();
    await store.put(withLogsUnread(record(id(23), 1_023)));
    const page = await pending.visible(await store.list("guest", {}, { skip: 0, limit: 10 }));
    expect(page).toEqual([record(id(23), 1_023)]);
    expect(fake.calls).toEqual([]);
  });

  it("keeps namespaces apart: a pending record of another namespace is not found", async () => {
    const { fake, pending, putPending } = await setup();
    await putPending(4);
    fake.finish(4, "mine");
    expect(await pending.get("other", id(4))).toBeUndefined();
    expect(fake.calls).toEqual([]);
  });
});
