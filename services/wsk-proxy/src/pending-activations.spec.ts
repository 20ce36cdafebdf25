import type { ActivationRecord } from "@soe/openwhisk";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { buildActivationRecord } from "./activation-record.js";
import { MemoryActivationStore } from "./activation-store.js";
import type { BackendActivations } from "./backend-activations.js";
import { pendingOf, pendingRecord } from "./pending-activation.js";
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
  const backend: BackendActivations = {
    async get(installation, activationId) {
      calls.push(`${installation} ${activationId}`);
      if (failing) throw new Error("connect ECONNREFUSED");
      return records.get(activationId);
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

  it("keeps namespaces apart: a pending record of another namespace is not found", async () => {
    const { fake, pending, putPending } = await setup();
    await putPending(4);
    fake.finish(4, "mine");
    expect(await pending.get("other", id(4))).toBeUndefined();
    expect(fake.calls).toEqual([]);
  });
});
