import { create } from "@bufbuild/protobuf";
import {
  type LambdaRequest,
  LambdaRequestSchema,
  type LambdaResponse,
  LambdaResponseSchema,
} from "@soe/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import { RequestNotSentError } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import {
  type Destination,
  MultiDestinationCaller,
  NONE_RESPONDED,
} from "./multi-destination-caller.js";

/** A destination whose calls wait until the test settles them, in the order it chooses. */
class HeldDestination implements Destination {
  readonly calls: { resolve(r: LambdaResponse): void; reject(e: Error): void }[] = [];
  constructor(readonly endpoint: string) {}
  readonly call = (_request: LambdaRequest): Promise<LambdaResponse> =>
    new Promise((resolve, reject) => this.calls.push({ resolve, reject }));
  settle(retcode: string): void {
    this.calls.shift()?.resolve(create(LambdaResponseSchema, { retcode, responder: "", hops: 1 }));
  }
  fail(): void {
    this.calls.shift()?.reject(new Error("unavailable"));
  }
  /** Fails as a destination that is down does: the request provably never reached it. */
  refuse(): void {
    const cause = new RequestNotSentError("cannot connect");
    this.calls
      .shift()
      ?.reject(new ConnectError("cannot connect", Code.Unavailable, undefined, undefined, cause));
  }
}

const request = create(LambdaRequestSchema, { name: "clambda0" });
const signal = new AbortController().signal;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("MultiDestinationCaller", () => {
  it("calls only the primary with persistence 0, and names it as responder", async () => {
    const [a, b] = [new HeldDestination("a:1"), new HeldDestination("b:1")];
    const caller = new MultiDestinationCaller([a, b], 0, Math.random);
    const response = caller.call(request, signal);
    await tick();
    expect([a.calls.length, b.calls.length]).toEqual([1, 0]);
    a.settle("OK");
    expect(await response).toMatchObject({ retcode: "OK", responder: "a:1", hops: 1 });
  });

  it("takes the first OK response and makes its destination the primary", async () => {
    const [a, b] = [new HeldDestination("a:1"), new HeldDestination("b:1")];
    const caller = new MultiDestinationCaller([a, b], 1, Math.random);
    const first = caller.call(request, signal);
    await tick();
    expect([a.calls.length, b.calls.length]).toEqual([1, 1]);
    b.settle("OK");
    expect((await first).responder).toBe("b:1");
    expect(caller.primary).toBe(1);

    // The next call waits for the late response of a:1 before going out.
    const second = caller.call(request, signal);
    await tick();
    expect(b.calls.length).toBe(0);
    a.settle("OK");
    await tick();
    expect([a.calls.length, b.calls.length]).toEqual([1, 1]);
    a.settle("OK");
    expect((await second).responder).toBe("a:1");
  });

  it("draws, for each other destination, whether it is called too", async () => {
    const dests = ["a:1", "b:1", "c:1"].map((e) => new HeldDestination(e));
    const draws = [0.5, 0.01]; // b: 0.5 ≥ 0.1 → not called; c: 0.01 < 0.1 → called
    const caller = new MultiDestinationCaller(dests, 0.1, () => draws.shift() as number);
    const response = caller.call(request, signal);
    await tick();
    expect(dests.map((d) => d.calls.length)).toEqual([1, 0, 1]);
    dests[0]?.settle("OK");
    dests[2]?.settle("OK");
    expect((await response).responder).toBe("a:1");
  });

  it("answers with the last non-OK response when nothing was OK", async () => {
    const [a, b] = [new HeldDestination("a:1"), new HeldDestination("b:1")];
    const caller = new MultiDestinationCaller([a, b], 1, Math.random);
    const response = caller.call(request, signal);
    await tick();
    a.fail();
    await tick();
    b.settle("no such lambda");
    expect(await response).toMatchObject({ retcode: "no such lambda", responder: "" });
    expect(caller.primary).toBe(0);
  });

  it("answers 'none of the destinations responded correctly' when the last one failed", async () => {
    const [a, b] = [new HeldDestination("a:1"), new HeldDestination("b:1")];
    const caller = new MultiDestinationCaller([a, b], 1, Math.random);
    const response = caller.call(request, signal);
    await tick();
    b.settle("busy");
    await tick();
    a.fail();
    expect((await response).retcode).toBe(NONE_RESPONDED);
  });

  it("fails over: a request the primary refused goes to the next destinations, one at a time", async () => {
    const dests = ["a:1", "b:1", "c:1"].map((e) => new HeldDestination(e));
    const [a, b, c] = dests as [HeldDestination, HeldDestination, HeldDestination];
    const caller = new MultiDestinationCaller(dests, 0, Math.random);
    const response = caller.call(request, signal);
    await tick();
    a.refuse();
    await tick();
    expect(dests.map((d) => d.calls.length)).toEqual([0, 1, 0]);
    b.refuse();
    await tick();
    expect(dests.map((d) => d.calls.length)).toEqual([0, 0, 1]);
    c.settle("OK");
    expect((await response).responder).toBe("c:1");
    expect(caller.primary).toBe(2);
  });

  it("never sends again a request that may have reached the primary", async () => {
    const [a, b] = [new HeldDestination("a:1"), new HeldDestination("b:1")];
    const caller = new MultiDestinationCaller([a, b], 0, Math.random);
    const response = caller.call(request, signal);
    await tick();
    a.fail();
    expect((await response).retcode).toBe(NONE_RESPONDED);
    expect(b.calls.length).toBe(0);
    expect(caller.primary).toBe(0);
  });

  it("fails over only to destinations not called already, and stops at a non-OK answer", async () => {
    const dests = ["a:1", "b:1", "c:1"].map((e) => new HeldDestination(e));
    const [a, b, c] = dests as [HeldDestination, HeldDestination, HeldDestination];
    const draws = [0.01, 0.5]; // b called too, c not
    const caller = new MultiDestinationCaller(dests, 0.1, () => draws.shift() as number);
    const response = caller.call(request, signal);
    await tick();
    expect(dests.map((d) => d.calls.length)).toEqual([1, 1, 0]);
    a.refuse();
    await tick();
    b.settle("busy");
    await tick();
    expect(c.calls.length).toBe(1);
    c.settle("no such lambda");
    expect((await response).retcode).toBe("no such lambda");
    expect(caller.primary).toBe(0);
  });

  it("refuses a persistence outside [0, 1] and an empty set", () => {
    const a = new HeldDestination("a:1");
    expect(() => new MultiDestinationCaller([a], 1.5, Math.random)).toThrow(/cannot be < 0 or > 1/);
    expect(() => new MultiDestinationCaller([], 0, Math.random)).toThrow(
      "Empty set of destinations",
    );
  });
});
