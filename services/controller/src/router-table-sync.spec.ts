import { Code, ConnectError } from "@connectrpc/connect";
import { EdgeRouterConf_Action } from "@soe/proto";
import { describe, expect, it } from "vitest";
import type { RouteEntry, RouterOp } from "./install-plan.js";
import { RouterInstallQueues } from "./router-install-queue.js";
import {
  type HeldVersion,
  RouterTableSync,
  type TableBatch,
  VersionMismatch,
} from "./router-table-sync.js";

const change = (destination: string, ...lambdas: string[]): RouterOp => ({
  kind: "change",
  entries: lambdas.map((lambda): RouteEntry => ({ lambda, destination, weight: 1, final: true })),
});
const flush: RouterOp = { kind: "flush" };

type Answer = { held?: HeldVersion; error?: unknown };

/**
 * A RouterTableSync over a fake router that answers each call when the test says so; sending
 * runs when `run()` is called, timers when `elapse()` is.
 */
function setup(options: { maxBatchPairs?: number; table?: RouterOp[]; reference?: boolean } = {}) {
  const deferred: Array<() => void> = [];
  const timers: Array<{ at: number; run: () => void }> = [];
  let now = 0;
  const calls: Array<{ kind: "apply" | "probe"; batch?: TableBatch; answer: (a: Answer) => void }> =
    [];
  const events: string[] = [];
  const configured: string[] = [];
  const pending = (kind: "apply" | "probe", batch?: TableBatch) =>
    new Promise<HeldVersion>((resolve, reject) => {
      calls.push({
        kind,
        ...(batch === undefined ? {} : { batch }),
        answer: (a) => (a.error === undefined ? resolve(a.held as HeldVersion) : reject(a.error)),
      });
    });
  const schedule = (ms: number, run: () => void) => {
    const timer = { at: now + ms, run };
    timers.push(timer);
    return () => timers.splice(timers.indexOf(timer), 1);
  };
  const configure = new RouterInstallQueues({
    timeoutMs: 1_000,
    backoff: { initialMs: 100, maxMs: 100 },
    send: async (_router, conf) => {
      configured.push(
        conf.action === EdgeRouterConf_Action.FLUSH
          ? "flush"
          : `${conf.lambda} ${conf.destination}`,
      );
      return "OK";
    },
  });
  const sync = new RouterTableSync({
    send: {
      applyBatch: (_router, batch) => pending("apply", batch),
      getVersion: () =>
        options.reference
          ? Promise.reject(new ConnectError("no such service", Code.Unimplemented))
          : pending("probe"),
    },
    configure,
    fullTable: () => options.table ?? [flush],
    epoch: "E",
    timeoutMs: 1_000,
    backoff: { initialMs: 100, maxMs: 100, jitter: 0 },
    maxBatchPairs: options.maxBatchPairs ?? 10_000,
    schedule,
    defer: (run) => deferred.push(run),
    listener: {
      mode: (r, mode) => events.push(`${r} ${mode}`),
      failed: (r, _e, failures, delay) => events.push(`${r} failed ${failures} retry in ${delay}`),
      recovered: (r) => events.push(`${r} recovered`),
      snapshot: (r) => events.push(`${r} snapshot`),
      idle: (r) => events.push(`${r} idle`),
    },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const run = async () => {
    await settle();
    while (deferred.length > 0) deferred.shift()?.();
    await settle();
  };
  const elapse = async (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => t.at <= now)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.run();
    }
    await run();
  };
  /** The last call, answered with the version it makes (or `answer`). */
  const answer = async (a?: Answer) => {
    const call = calls.shift();
    if (call === undefined) throw new Error("no call in flight");
    const held = call.batch === undefined ? { epoch: "", version: 0n } : heldAfter(call.batch);
    call.answer(a ?? { held });
    await run();
    return call;
  };
  return { sync, calls, events, configured, run, elapse, answer };
}

const heldAfter = (batch: TableBatch): HeldVersion => ({
  epoch: batch.epoch,
  version: batch.toVersion,
});

/** A batch as `snapshot 0→1 [+c1:l0,l1]`. */
const show = (batch: TableBatch | undefined) =>
  batch === undefined
    ? "none"
    : `${batch.snapshot ? (batch.partial ? "part " : "snapshot ") : ""}${batch.fromVersion}→${batch.toVersion} [${batch.changes
        .map((c) => `${c.remove ? "-" : "+"}${c.destination}:${c.lambdas.join(",")}`)
        .join(" ")}]`;

describe("RouterTableSync", () => {
  it("sends nothing inside enqueue: batches are built behind the announcements", async () => {
    const s = setup();
    s.sync.enqueue("r", [change("c1", "l0")]);
    expect(s.calls).toHaveLength(0);
    expect(s.sync.routers()).toEqual(["r"]);
    await s.run();
    expect(s.calls.map((c) => c.kind)).toEqual(["probe"]);
  });

  it("sends the whole table to a router it first meets, then one coalesced batch at a time", async () => {
    const s = setup({ table: [flush, change("c1", "l0")] });
    s.sync.enqueue("r", [change("c1", "l0")]);
    await s.run();
    await s.answer(); // probe: never synced
    expect(s.events).toEqual(["r sync"]);
    expect(show(s.calls[0]?.batch)).toBe("snapshot 0→1 [+c1:l0]");
    // While the snapshot is in flight, a burst of announcements queues up.
    for (let i = 2; i <= 4; i++) s.sync.enqueue("r", [change(`c${i}`, "l0", "l1")]);
    await s.run();
    expect(s.calls).toHaveLength(1);
    await s.answer();
    expect(show(s.calls[0]?.batch)).toBe("1→2 [+c2:l0,l1 +c3:l0,l1 +c4:l0,l1]");
    expect(s.sync.status("r")).toEqual({ pending: 6, failures: 0 });
    await s.answer();
    expect(s.calls).toHaveLength(0);
    expect(s.events).toEqual(["r sync", "r idle"]);
    expect(s.sync.routers()).toEqual([]);
  });

  it("splits a large table into snapshot parts the router swaps in with the last", async () => {
    const s = setup({
      maxBatchPairs: 2,
      table: [flush, change("c1", "l0", "l1", "l2", "l3", "l4")],
    });
    s.sync.resync("r");
    await s.run();
    await s.answer();
    const parts: string[] = [];
    while (s.calls.length > 0) parts.push(show((await s.answer()).batch));
    expect(parts).toEqual([
      "part 0→1 [+c1:l0,l1]",
      "part 1→2 [+c1:l2,l3]",
      "snapshot 2→3 [+c1:l4]",
    ]);
    s.sync.enqueue("r", [change("c2", "l0")]);
    await s.run();
    expect(show(s.calls[0]?.batch)).toBe("3→4 [+c2:l0]");
  });

  it("retries a failed batch as it was, with back-off, and counts the failures", async () => {
    const s = setup();
    s.sync.enqueue("r", [change("c1", "l0")]);
    await s.run();
    await s.answer();
    const first = await s.answer({ error: new ConnectError("reset", Code.Unavailable) });
    expect(s.events.at(-1)).toBe("r failed 1 retry in 100");
    expect(s.sync.status("r").failures).toBe(1);
    s.sync.enqueue("r", [change("c2", "l0")]);
    await s.elapse(99);
    expect(s.calls).toHaveLength(0);
    await s.elapse(1);
    expect(s.calls[0]?.batch).toBe(first.batch);
    await s.answer();
    expect(s.events.at(-1)).toBe("r recovered");
    expect(show(s.calls[0]?.batch)).toBe("1→2 [+c2:l0]");
  });

  it("takes a refusal that names the batch's own version as the lost answer of an applied batch", async () => {
    const s = setup();
    s.sync.enqueue("r", [flush, change("c1", "l0")]);
    await s.run();
    await s.answer(); // probe
    await s.answer(); // snapshot of the full table (a flush)
    await s.run();
    s.sync.enqueue("r", [change("c2", "l0")]);
    await s.run();
    const batch = s.calls[0]?.batch as TableBatch;
    await s.answer({ error: new VersionMismatch(heldAfter(batch)) });
    expect(s.events).not.toContain("r snapshot");
    s.sync.enqueue("r", [change("c3", "l0")]);
    await s.run();
    expect(s.calls[0]?.batch?.fromVersion).toBe(batch.toVersion);
  });

  it("sends the whole table again to a router that holds another version", async () => {
    const s = setup({ table: [flush, change("c1", "l0"), change("c2", "l0")] });
    s.sync.enqueue("r", [change("c1", "l0")]);
    await s.run();
    await s.answer();
    await s.answer();
    s.sync.enqueue("r", [change("c2", "l0")]);
    await s.run();
    // The router restarted meanwhile: it holds nothing of ours.
    await s.answer({ error: new VersionMismatch({ epoch: "", version: 0n }) });
    expect(s.events).toContain("r snapshot");
    expect(show(s.calls[0]?.batch)).toMatch(/^snapshot 0→\d+ \[\+c1:l0 \+c2:l0\]$/);
  });

  it("installs a router without the service through Configure, operations as planned", async () => {
    const s = setup({ reference: true });
    s.sync.enqueue("r", [change("c1", "l0", "l1")]);
    s.sync.enqueue("r", [{ kind: "remove", destination: "c1", lambdas: ["l0"] }]);
    await s.run();
    expect(s.events).toEqual(["r configure"]);
    expect(s.sync.mode("r")).toBe("configure");
    s.sync.enqueue("r", [change("c2", "l0")]);
    await s.run();
    expect(s.configured).toEqual(["l0 c1", "l1 c1", "l0 c1", "l0 c2"]);
    s.sync.resync("r");
    await s.run();
    expect(s.configured.slice(4)).toEqual(["flush"]);
  });

  it("sends the whole table at once to a router that restarted during a back-off", async () => {
    const s = setup({ table: [flush, change("c1", "l0"), change("c2", "l0")] });
    s.sync.enqueue("r", [change("c1", "l0")]);
    await s.run();
    await s.answer();
    await s.answer();
    s.sync.enqueue("r", [change("c2", "l0")]);
    await s.run();
    await s.answer({ error: new ConnectError("reset", Code.Unavailable) });
    s.sync.resync("r"); // a new boot id: the failed batch is moot
    await s.run();
    expect(show(s.calls[0]?.batch)).toMatch(/^snapshot 0→\d+ \[\+c1:l0 \+c2:l0\]$/);
  });

  it("probes a router again after back-off until it answers", async () => {
    const s = setup();
    s.sync.enqueue("r", [change("c1", "l0")]);
    await s.run();
    await s.answer({ error: new ConnectError("refused", Code.Unavailable) });
    expect(s.sync.mode("r")).toBe("probe");
    await s.elapse(100);
    expect(s.calls.map((c) => c.kind)).toEqual(["probe"]);
  });

  it("forgets a dropped router, its batch in flight included", async () => {
    const s = setup();
    s.sync.enqueue("r", [change("c1", "l0")]);
    await s.run();
    await s.answer();
    s.sync.drop("r");
    await s.answer();
    expect(s.sync.routers()).toEqual([]);
    expect(s.sync.mode("r")).toBeUndefined();
    expect(s.calls).toHaveLength(0);
  });
});
