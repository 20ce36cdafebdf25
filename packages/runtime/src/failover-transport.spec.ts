import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  FailoverTransport,
  moveOnNotSent,
  moveOnUnanswered,
  parseEndpointList,
} from "./failover-transport.js";
import { notSent } from "./request-not-sent.js";

type Outcome = "ok" | ConnectError;

/** Fake end-points: each call takes the next scripted outcome of its end-point. */
function scripted(script: Record<string, Outcome[]>) {
  const calls: string[] = [];
  const transportOf = (endpoint: string): Transport => ({
    unary: async () => {
      calls.push(endpoint);
      const outcome = script[endpoint]?.shift() ?? "ok";
      if (outcome !== "ok") throw outcome;
      return { message: { from: endpoint } } as never;
    },
    stream: async () => {
      calls.push(endpoint);
      const outcome = script[endpoint]?.shift() ?? "ok";
      if (outcome !== "ok") throw outcome;
      return {} as never;
    },
  });
  return { calls, transportOf };
}

const call = (t: FailoverTransport, signal?: AbortSignal) =>
  t.unary({} as never, signal, undefined, undefined, {} as never);
const refused = () => notSent("cannot connect");
const lost = () => new ConnectError("connection closed before a response", Code.Unavailable);

describe("parseEndpointList", () => {
  it("takes a comma-separated list, trimmed, and names a bad member", () => {
    expect(parseEndpointList(" a:1 , b:2")).toEqual(["a:1", "b:2"]);
    expect(parseEndpointList("")).toEqual([]);
    expect(() => parseEndpointList("a:1,nope")).toThrow(/nope/);
  });
});

describe("FailoverTransport", () => {
  it("refuses an empty list, naming the role", () => {
    expect(
      () =>
        new FailoverTransport({ endpoints: [], transportOf: () => ({}) as never, role: "router" }),
    ).toThrow("no router end-point");
  });

  it("retries a request that never left on the next end-point, and stays there", async () => {
    const { calls, transportOf } = scripted({ a: [refused()] });
    const switches: string[] = [];
    const t = new FailoverTransport({
      endpoints: ["a", "b"],
      transportOf,
      moveOn: moveOnNotSent,
      onSwitch: (from, to) => switches.push(`${from}->${to}`),
    });
    await expect(call(t)).resolves.toMatchObject({ message: { from: "b" } });
    await call(t);
    expect(calls).toEqual(["a", "b", "b"]);
    expect(switches).toEqual(["a->b"]);
    expect(t.endpoint).toBe("b");
  });

  it("never retries a call that may have reached its peer (it may have run)", async () => {
    const { calls, transportOf } = scripted({ a: [lost()] });
    const t = new FailoverTransport({ endpoints: ["a", "b"], transportOf, moveOn: moveOnNotSent });
    await expect(call(t)).rejects.toMatchObject({ code: Code.Unavailable });
    expect(calls).toEqual(["a"]);
    // Data path: a lost call says nothing sure about the router; the next one is refused if
    // it is dead, and moves on then.
    expect(t.endpoint).toBe("a");
  });

  it("data path: a router's own answers (no computer, slow action) do not move calls", async () => {
    const noComputer = new ConnectError("no computer", Code.Unavailable);
    const slow = new ConnectError("the operation timed out", Code.DeadlineExceeded);
    const { calls, transportOf } = scripted({ a: [noComputer, slow] });
    const t = new FailoverTransport({ endpoints: ["a", "b"], transportOf, moveOn: moveOnNotSent });
    await expect(call(t)).rejects.toBe(noComputer);
    await expect(call(t)).rejects.toBe(slow);
    expect(calls).toEqual(["a", "a"]);
  });

  it("control path (the default): unanswered calls move on without being retried", async () => {
    const { calls, transportOf } = scripted({ a: [lost()] });
    const t = new FailoverTransport({ endpoints: ["a", "b"], transportOf });
    await expect(call(t)).rejects.toMatchObject({ code: Code.Unavailable });
    expect(t.endpoint).toBe("b");
    await call(t);
    expect(calls).toEqual(["a", "b"]);
    expect(moveOnUnanswered(new ConnectError("x", Code.DeadlineExceeded))).toBe(true);
    expect(moveOnUnanswered(new ConnectError("x", Code.InvalidArgument))).toBe(false);
  });

  it("tries each end-point once, then fails as the last did", async () => {
    const last = refused();
    const { calls, transportOf } = scripted({ a: [refused()], b: [last] });
    const t = new FailoverTransport({ endpoints: ["a", "b"], transportOf, moveOn: moveOnNotSent });
    await expect(call(t)).rejects.toBe(last);
    expect(calls).toEqual(["a", "b"]);
    // Round the list: the first is used again once the second has failed.
    expect(t.endpoint).toBe("a");
  });

  it("moves on once when many concurrent calls fail at the same end-point", async () => {
    const { calls, transportOf } = scripted({ a: [refused(), refused(), refused()] });
    const switches: string[] = [];
    const t = new FailoverTransport({
      endpoints: ["a", "b", "c"],
      transportOf,
      moveOn: moveOnNotSent,
      onSwitch: (from, to) => switches.push(`${from}->${to}`),
    });
    await Promise.all([call(t), call(t), call(t)]);
    expect(switches).toEqual(["a->b"]);
    expect(calls.filter((e) => e === "c")).toEqual([]);
  });

  it("does not retry an aborted call", async () => {
    const { calls, transportOf } = scripted({ a: [refused()] });
    const t = new FailoverTransport({ endpoints: ["a", "b"], transportOf, moveOn: moveOnNotSent });
    const aborted = AbortSignal.abort();
    await expect(call(t, aborted)).rejects.toMatchObject({ code: Code.Unavailable });
    expect(calls).toEqual(["a"]);
  });

  it("never retries a stream, but the next call goes elsewhere", async () => {
    const { calls, transportOf } = scripted({ a: [refused()] });
    const t = new FailoverTransport({ endpoints: ["a", "b"], transportOf, moveOn: moveOnNotSent });
    await expect(
      t.stream({} as never, undefined, undefined, undefined, (async function* () {})()),
    ).rejects.toMatchObject({ code: Code.Unavailable });
    expect(calls).toEqual(["a"]);
    expect(t.endpoint).toBe("b");
  });
});
