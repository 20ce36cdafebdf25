import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type EdgeRouterConf, EdgeRouterConf_Action, EdgeRouterConfSchema } from "@soe/proto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ConfigureCall,
  configureSucceeded,
  RouterInstallQueues,
} from "./router-install-queue.js";

const change = (lambda: string): EdgeRouterConf =>
  create(EdgeRouterConfSchema, {
    action: EdgeRouterConf_Action.CHANGE,
    lambda,
    destination: "c:6473",
    weight: 1,
    final: true,
  });
const confs = (...lambdas: string[]) => lambdas.map(change);
const remove = (lambda: string): EdgeRouterConf =>
  create(EdgeRouterConfSchema, {
    action: EdgeRouterConf_Action.REMOVE,
    lambda,
    destination: "c:6473",
  });
const flush = (): EdgeRouterConf =>
  create(EdgeRouterConfSchema, { action: EdgeRouterConf_Action.FLUSH, lambda: "FLUSH" });

type Behaviour = (router: string, conf: EdgeRouterConf, call: ConfigureCall) => Promise<string>;

const unavailable = () => Promise.reject(new ConnectError("refused", Code.Unavailable));
const ok = () => Promise.resolve("OK");
/** Never answers; only the deadline (or close) ends the call. */
const silent = () => new Promise<string>(() => {});

/** Queues with a 1 s deadline and 100 → 200 → 400 ms back-off, recording what happens. */
function harness(behaviour: Behaviour, pipelineDepth?: number) {
  const log: string[] = [];
  const calls: ConfigureCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const queues = new RouterInstallQueues({
    timeoutMs: 1_000,
    backoff: { initialMs: 100, maxMs: 400, jitter: 0 },
    ...(pipelineDepth === undefined ? {} : { pipelineDepth }),
    send: async (router, conf, call) => {
      log.push(`send ${router} ${conf.lambda}`);
      calls.push(call);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await behaviour(router, conf, call);
      } finally {
        inFlight--;
      }
    },
    listener: {
      rejected: (router, conf, msg) => log.push(`rejected ${router} ${conf.lambda} ${msg}`),
      failed: (router, conf, error, failures, retryInMs) =>
        log.push(
          `failed ${router} ${conf.lambda} ${ConnectError.from(error).code} #${failures} +${retryInMs}`,
        ),
      recovered: (router, failures) => log.push(`recovered ${router} after ${failures}`),
      idle: (router) => log.push(`idle ${router}`),
    },
  });
  return { queues, log, calls, maxInFlight: () => maxInFlight };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("RouterInstallQueues", () => {
  it("sends each router's operations in order, one call at a time, with the deadline", async () => {
    const h = harness(ok);
    h.queues.enqueue("r1", confs("a", "b"));
    h.queues.enqueue("r1", confs("c"));
    expect(h.queues.status("r1")).toEqual({ pending: 3, failures: 0 });
    await settle();
    expect(h.log).toEqual(["send r1 a", "send r1 b", "send r1 c", "idle r1"]);
    expect(h.maxInFlight()).toBe(1);
    expect(h.calls.every((c) => c.timeoutMs === 1_000 && !c.signal.aborted)).toBe(true);
    expect(h.queues.status("r1")).toEqual({ pending: 0, failures: 0 });
    expect(h.queues.routers()).toEqual([]);
  });

  it("keeps a failed operation at the head and retries it with back-off until it goes through", async () => {
    let down = true;
    const h = harness(() => (down ? unavailable() : ok()));
    h.queues.enqueue("r1", confs("a", "b"));
    await vi.advanceTimersByTimeAsync(100 + 200 + 50);
    expect(h.log).toEqual([
      "send r1 a",
      `failed r1 a ${Code.Unavailable} #1 +100`,
      "send r1 a",
      `failed r1 a ${Code.Unavailable} #2 +200`,
      "send r1 a",
      `failed r1 a ${Code.Unavailable} #3 +400`,
    ]);
    expect(h.queues.status("r1")).toEqual({ pending: 2, failures: 3 });
    down = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(h.log.slice(6)).toEqual(["send r1 a", "recovered r1 after 3", "send r1 b", "idle r1"]);
    expect(h.queues.status("r1")).toEqual({ pending: 0, failures: 0 });
  });

  it("caps the back-off and never gives up on a registered router", async () => {
    const h = harness(unavailable);
    h.queues.enqueue("r1", confs("a"));
    await vi.advanceTimersByTimeAsync(60_000);
    const failures = h.log.filter((l) => l.startsWith("failed"));
    expect(failures.length).toBeGreaterThan(100);
    expect(failures.at(-1)).toMatch(/\+400$/);
    expect(h.queues.status("r1").pending).toBe(1);
  });

  it("lets a router that never answers hold only its own queue, for one deadline per attempt", async () => {
    const h = harness((router) => (router === "slow" ? silent() : ok()));
    h.queues.enqueue("slow", confs("a", "b"));
    h.queues.enqueue("fast", confs("a", "b"));
    await settle();
    expect(h.queues.status("fast")).toEqual({ pending: 0, failures: 0 });
    expect(h.queues.status("slow")).toEqual({ pending: 2, failures: 0 });
    await vi.advanceTimersByTimeAsync(999);
    expect(h.queues.status("slow").failures).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.log.at(-1)).toBe(`failed slow a ${Code.DeadlineExceeded} #1 +100`);
    expect(h.calls[0]?.signal.aborted).toBe(true); // the transport is told to give up too
  });

  it("moves on when the router answers with an error text, as the reference does", async () => {
    const h = harness((_, conf) =>
      Promise.resolve(conf.lambda === "a" ? "Error: bad entry" : "OK"),
    );
    h.queues.enqueue("r1", confs("a", "b"));
    await settle();
    expect(h.log).toEqual(["send r1 a", "rejected r1 a Error: bad entry", "send r1 b", "idle r1"]);
  });

  it("replaces what is queued and retries at once, cutting the back-off short", async () => {
    let down = true;
    const h = harness(() => (down ? unavailable() : ok()));
    h.queues.enqueue("r1", confs("a", "b"));
    await vi.advanceTimersByTimeAsync(100 + 10); // second attempt failed, waiting 200 ms
    down = false;
    h.queues.replace("r1", confs("flush", "x"));
    await settle();
    expect(h.log.slice(4)).toEqual(["send r1 flush", "send r1 x", "idle r1"]);
  });

  it("lets a call in flight finish before a replacement, and does not retry it", async () => {
    let answer: ((msg: string) => void) | undefined;
    let first = true;
    const h = harness(() => {
      if (!first) return ok();
      first = false;
      return new Promise((_, reject) => {
        answer = () => reject(new ConnectError("reset", Code.Unavailable));
      });
    });
    h.queues.enqueue("r1", confs("a", "b"));
    await settle();
    h.queues.replace("r1", confs("flush"));
    await settle();
    expect(h.log).toEqual(["send r1 a"]); // still in flight: nothing overtakes it
    answer?.("");
    await settle();
    expect(h.log).toEqual(["send r1 a", "send r1 flush", "idle r1"]);
  });

  it("forgets a dropped router: its pending operations and its retries", async () => {
    const h = harness((router) => (router === "gone" ? unavailable() : ok()));
    h.queues.enqueue("gone", confs("a", "b"));
    await settle();
    expect(h.queues.status("gone")).toEqual({ pending: 2, failures: 1 });
    h.queues.drop("gone");
    expect(h.queues.status("gone")).toEqual({ pending: 0, failures: 0 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.log.filter((l) => l.startsWith("send"))).toEqual(["send gone a"]);
    expect(h.queues.routers()).toEqual([]);
  });

  it("starts a router added again after a drop with a clean slate", async () => {
    let down = true;
    const h = harness(() => (down ? unavailable() : ok()));
    h.queues.enqueue("r1", confs("a"));
    await settle();
    h.queues.drop("r1");
    await settle();
    down = false;
    h.queues.enqueue("r1", confs("b"));
    expect(h.queues.status("r1")).toEqual({ pending: 1, failures: 0 });
    await settle();
    expect(h.log.filter((l) => l.startsWith("send"))).toEqual(["send r1 a", "send r1 b"]);
  });

  it("cancels calls in flight on close and sends nothing more", async () => {
    const h = harness(silent);
    h.queues.enqueue("r1", confs("a", "b"));
    await settle();
    await h.queues.close();
    expect(h.calls[0]?.signal.aborted).toBe(true);
    h.queues.enqueue("r1", confs("c"));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.log).toEqual(["send r1 a"]);
  });

  it("reads OK and an empty text as success, anything else as the router's error", () => {
    expect(configureSucceeded("OK")).toBe(true);
    expect(configureSucceeded("")).toBe(true);
    expect(configureSucceeded("Error: invalid weight")).toBe(false);
    expect(configureSucceeded("Unknown error")).toBe(false);
  });
});

/** Calls answered by the test, one by one; the router applies an operation once it answers OK. */
function pipelined(depth: number) {
  const open = new Map<string, { resolve: (msg: string) => void; reject: (e: unknown) => void }>();
  const h = harness(
    (_, conf) =>
      new Promise<string>((resolve, reject) =>
        open.set(conf.lambda, {
          resolve: (msg) => {
            open.delete(conf.lambda);
            applied.push(`${EdgeRouterConf_Action[conf.action]} ${conf.lambda}`);
            resolve(msg);
          },
          reject: (error) => {
            open.delete(conf.lambda);
            reject(error);
          },
        }),
      ),
    depth,
  );
  const applied: string[] = [];
  const answer = async (...lambdas: string[]) => {
    for (const lambda of lambdas) open.get(lambda)?.resolve("OK");
    await settle();
  };
  const fail = async (...lambdas: string[]) => {
    for (const lambda of lambdas)
      open.get(lambda)?.reject(new ConnectError("reset", Code.Unavailable));
    await settle();
  };
  const inFlight = () => [...open.keys()];
  const sent = () =>
    h.log.filter((l) => l.startsWith("send")).map((l) => l.slice("send r1 ".length));
  return { ...h, answer, fail, inFlight, sent, applied };
}

describe("RouterInstallQueues with a pipeline", () => {
  it("fills the window, then sends one more call per answer", async () => {
    const h = pipelined(4);
    h.queues.enqueue("r1", confs("a", "b", "c", "d", "e", "f"));
    await settle();
    expect(h.inFlight()).toEqual(["a", "b", "c", "d"]);
    expect(h.queues.status("r1")).toEqual({ pending: 6, failures: 0 });
    await h.answer("b");
    expect(h.inFlight()).toEqual(["a", "c", "d", "e"]);
    expect(h.queues.status("r1")).toEqual({ pending: 5, failures: 0 });
    await h.answer("a", "c", "d", "e");
    expect(h.inFlight()).toEqual(["f"]);
    expect(h.log.at(-1)).toBe("send r1 f");
    await h.answer("f");
    expect(h.maxInFlight()).toBe(4);
    expect(h.log.at(-1)).toBe("idle r1");
    expect(h.queues.status("r1")).toEqual({ pending: 0, failures: 0 });
    expect(h.queues.routers()).toEqual([]);
  });

  it("never has two operations on the same lambda and destination in flight, nor lets later ones overtake", async () => {
    const h = pipelined(4);
    const ops = [change("a"), change("b"), remove("a"), change("c")];
    // Told apart by lambda in the harness: the removal answers as "a" once the change is done.
    h.queues.enqueue("r1", ops);
    await settle();
    expect(h.sent()).toEqual(["a", "b"]); // the removal of a waits, and c behind it
    await h.answer("b");
    expect(h.sent()).toEqual(["a", "b"]);
    await h.answer("a");
    expect(h.sent()).toEqual(["a", "b", "a", "c"]);
    await h.answer("a", "c");
    expect(h.applied).toEqual(["CHANGE b", "CHANGE a", "REMOVE a", "CHANGE c"]);
    expect(h.log.at(-1)).toBe("idle r1");
  });

  it("sends a FLUSH alone, once everything before it is answered, and nothing after it until it is", async () => {
    const h = pipelined(4);
    h.queues.enqueue("r1", [change("a"), change("b"), flush(), change("c"), change("d")]);
    await settle();
    expect(h.inFlight()).toEqual(["a", "b"]);
    await h.answer("a");
    expect(h.inFlight()).toEqual(["b"]);
    await h.answer("b");
    expect(h.inFlight()).toEqual(["FLUSH"]);
    await h.answer("FLUSH");
    expect(h.inFlight()).toEqual(["c", "d"]);
    await h.answer("c", "d");
    expect(h.applied).toEqual(["CHANGE a", "CHANGE b", "FLUSH FLUSH", "CHANGE c", "CHANGE d"]);
  });

  it("on a failure in a full window, sends nothing new, lets the window settle, then retries in queue order", async () => {
    const h = pipelined(4);
    h.queues.enqueue("r1", [
      change("a"),
      change("b"),
      change("c"),
      change("d"),
      remove("b"),
      change("e"),
    ]);
    await settle();
    expect(h.inFlight()).toEqual(["a", "b", "c", "d"]);
    await h.fail("b");
    await h.fail("c");
    await h.answer("a");
    expect(h.sent()).toEqual(["a", "b", "c", "d"]); // nothing new while the window settles
    expect(h.queues.status("r1")).toEqual({ pending: 5, failures: 0 });
    await h.answer("d");
    expect(h.log.at(-1)).toBe(`failed r1 b ${Code.Unavailable} #1 +100`);
    expect(h.queues.status("r1")).toEqual({ pending: 4, failures: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.inFlight()).toEqual(["b"]); // a failing router is probed with one call
    await h.answer("b");
    expect(h.log).toContain("recovered r1 after 1");
    expect(h.sent().slice(5)).toEqual(["c", "b", "e"]); // the window is open again
    await h.answer("c", "b", "e");
    expect(h.applied).toEqual([
      "CHANGE a",
      "CHANGE d",
      "CHANGE b",
      "CHANGE c",
      "REMOVE b",
      "CHANGE e",
    ]);
    expect(h.log.at(-1)).toBe("idle r1");
    expect(h.queues.status("r1")).toEqual({ pending: 0, failures: 0 });
  });

  it("keeps backing off when calls fail again, and never retries an operation while it is in flight", async () => {
    const h = pipelined(4);
    h.queues.enqueue("r1", confs("a", "b", "c"));
    await settle();
    await h.fail("a", "b", "c");
    expect(h.log.at(-1)).toBe(`failed r1 a ${Code.Unavailable} #1 +100`);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.inFlight()).toEqual(["a"]);
    await h.fail("a");
    expect(h.log.at(-1)).toBe(`failed r1 a ${Code.Unavailable} #2 +200`);
    expect(h.queues.status("r1")).toEqual({ pending: 3, failures: 2 });
    await vi.advanceTimersByTimeAsync(200);
    await h.answer("a");
    expect(h.inFlight()).toEqual(["b", "c"]);
    await h.answer("b", "c");
    expect(h.applied).toEqual(["CHANGE a", "CHANGE b", "CHANGE c"]);
  });

  it("lets a replaced window settle before the replacement, without retrying or counting it", async () => {
    const h = pipelined(4);
    h.queues.enqueue("r1", confs("a", "b", "c", "d", "e"));
    await settle();
    h.queues.replace("r1", [flush(), change("x"), change("y")]);
    expect(h.queues.status("r1")).toEqual({ pending: 3, failures: 0 });
    await h.answer("a", "b");
    await h.fail("c");
    expect(h.inFlight()).toEqual(["d"]); // still in flight: nothing overtakes it
    await h.answer("d");
    expect(h.inFlight()).toEqual(["FLUSH"]);
    await h.answer("FLUSH");
    await h.answer("x", "y");
    expect(h.sent()).toEqual(["a", "b", "c", "d", "FLUSH", "x", "y"]);
    expect(h.log.filter((l) => !l.startsWith("send"))).toEqual(["idle r1"]);
    expect(h.queues.status("r1")).toEqual({ pending: 0, failures: 0 });
  });

  it("cancels every call of the window on close", async () => {
    const h = pipelined(4);
    h.queues.enqueue("r1", confs("a", "b", "c"));
    await settle();
    await h.queues.close();
    expect(h.calls.map((c) => c.signal.aborted)).toEqual([true, true, true]);
  });

  it("takes its retry and deadline timers from the injected scheduler", async () => {
    const delays: number[] = [];
    const due: (() => void)[] = [];
    const queues = new RouterInstallQueues({
      timeoutMs: 1_000,
      backoff: { initialMs: 100, maxMs: 400, jitter: 0 },
      send: silent,
      schedule: (delayMs, run) => {
        delays.push(delayMs);
        due.push(run);
        return () => {};
      },
    });
    queues.enqueue("r1", confs("a"));
    await settle();
    // The call's deadline is the only timer; firing it fails the call and sets the retry.
    expect(delays).toEqual([1_000]);
    due.shift()?.();
    await settle();
    expect(delays).toEqual([1_000, 100]);
    expect(queues.status("r1")).toEqual({ pending: 1, failures: 1 });
    await queues.close();
  });

  it("refuses a pipeline depth that is not a positive integer", () => {
    for (const pipelineDepth of [0, 1.5, Number.NaN]) {
      expect(
        () =>
          new RouterInstallQueues({
            timeoutMs: 1_000,
            backoff: { initialMs: 100, maxMs: 400 },
            pipelineDepth,
            send: ok,
          }),
      ).toThrow(/pipeline depth/);
    }
  });
});
