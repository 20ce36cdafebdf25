import { create } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { type EdgeServer, type LambdaRequest, LambdaResponseSchema } from "@soe/proto";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { ActionLister } from "./action-lister.js";
import { MemoryActivationStore } from "./activation-store.js";
import type { BackendActivations } from "./backend-activations.js";
import { DomainInvoker, type FinalOutcome, type Invocation } from "./domain-invoker.js";
import { pendingOf } from "./pending-activation.js";

type Answer = { retcode: string; output?: string } | Error;
interface Call {
  readonly request: LambdaRequest;
  readonly signal: AbortSignal;
  answer(value: Answer): void;
}

/** A router whose answers the test gives, one call at a time. */
function fakeRouter() {
  const calls: Call[] = [];
  const client = {
    runLambda(request: LambdaRequest, options: { signal: AbortSignal }) {
      return new Promise((resolve, reject) => {
        const answer = (value: Answer) =>
          value instanceof Error
            ? reject(value)
            : resolve(create(LambdaResponseSchema, { output: "", hops: 3, ...value }));
        options.signal.addEventListener("abort", () =>
          reject(new ConnectError("cancelled", Code.Canceled)),
        );
        calls.push({ request, signal: options.signal, answer });
      });
    },
  } as unknown as Client<typeof EdgeServer>;
  return { client, calls };
}

const caller = { namespace: "guest", subject: "guest" };
const copy = { namespace: "guest", name: "copy" };
let ids = 0;

function setup(
  options: { maxInFlight?: number; offered?: string[]; backend?: BackendActivations } = {},
) {
  const router = fakeRouter();
  const store = new MemoryActivationStore();
  const invoker = new DomainInvoker({
    client: router.client,
    store,
    lister: new ActionLister({
      source: options.offered === undefined ? undefined : async () => options.offered ?? [],
    }),
    callTimeoutMs: 1000,
    factsWaitMs: 20,
    maxInFlight: options.maxInFlight ?? 10,
    clock: () => 1000,
    newActivationId: () => (++ids).toString(16).padStart(32, "0"),
    logger: createLogger({ name: "test", level: "silent" }),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  });
  const start = (): Invocation => {
    const started = invoker.start({ caller, action: copy, params: { input: "x" } });
    if ("refused" in started) throw new Error(`refused: ${started.refused}`);
    return started;
  };
  return { router, store, invoker, start };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("DomainInvoker", () => {
  it("sends the invocation to the router and stores the activation before answering", async () => {
    const { router, store, start } = setup();
    const invocation = start();
    await settle();
    expect(router.calls[0]?.request).toMatchObject({
      name: "/guest/copy",
      input: '{"input":"x"}',
      hops: 1,
    });
    router.calls[0]?.answer({ retcode: "OK", output: '{"payload":"x"}' });
    const final = (await invocation.completion) as Extract<FinalOutcome, { kind: "activation" }>;
    expect(final.httpStatus).toBe(200);
    expect(final.record.response.result).toEqual({ payload: "x" });
    expect(await store.get("guest", invocation.activationId)).toEqual(final.record);
  });

  it("refuses beyond maxInFlight, and takes work again once a call ends", async () => {
    const { router, invoker, start } = setup({ maxInFlight: 2 });
    start();
    start();
    expect(invoker.start({ caller, action: copy, params: {} })).toEqual({
      refused: "busy",
      count: 2,
      allowed: 2,
    });
    await settle();
    router.calls[0]?.answer({ retcode: "OK", output: "{}" });
    await settle();
    await settle();
    expect(invoker.inFlight).toBe(1);
    expect("activationId" in invoker.start({ caller, action: copy, params: {} })).toBe(true);
  });

  it("stores a refusal as a whisk internal error once its caller was answered 202", async () => {
    const { router, store, start } = setup();
    const invocation = start();
    invocation.detach();
    await settle();
    router.calls[0]?.answer(new ConnectError("router gone", Code.Unavailable));
    expect(await invocation.completion).toMatchObject({ kind: "refused", httpStatus: 503 });
    const record = await store.get("guest", invocation.activationId);
    expect(record?.response).toMatchObject({ status: "whisk internal error", success: false });
    expect(record?.response.result).toEqual({
      error:
        "The server is currently unavailable (because it is overloaded or down for maintenance).",
    });
  });

  it("stores an accepted invocation as pending under its own id, completed when read after it ends", async () => {
    const backendId = "b".repeat(32);
    let finished: unknown;
    const asked: string[] = [];
    const backend: BackendActivations = {
      async get(installation, activationId) {
        asked.push(`${installation} ${activationId}`);
        if (finished === undefined) return undefined;
        return {
          activationId,
          namespace: "guest",
          name: "copy",
          version: "0.0.2",
          subject: "key",
          publish: false,
          start: 1100,
          end: 1900,
          duration: 800,
          response: { status: "success", success: true, result: finished },
          logs: ["2026-12-05T08:00:00.000Z stdout: hi"],
          annotations: [{ key: "kind", value: "nodejs:20" }],
        };
      },
      close() {},
    };
    const { router, store, invoker, start } = setup({ backend });
    const invocation = start();
    await settle();
    // The proxy's id travels as the request's uuid: every hop logs the same id.
    expect(router.calls[0]?.request.uuid).toBe(invocation.activationId);
    router.calls[0]?.answer({
      retcode: `wsk:accepted 202 ${backendId}: the action is still running`,
      output: JSON.stringify({ activationId: backendId, installation: "127.0.0.1:7001" }),
    });
    expect(await invocation.completion).toEqual({
      kind: "still-running",
      backend: { activationId: backendId, installation: "127.0.0.1:7001" },
    });
    const stored = await store.get("guest", invocation.activationId);
    expect(pendingOf(stored as NonNullable<typeof stored>)).toEqual({
      activationId: backendId,
      installation: "127.0.0.1:7001",
    });
    expect(await invoker.activations.get("guest", invocation.activationId)).toBeUndefined();

    finished = { payload: "x" };
    const final = await invoker.activations.get("guest", invocation.activationId);
    expect(final).toMatchObject({
      activationId: invocation.activationId,
      version: "0.0.2",
      response: { status: "success", result: { payload: "x" } },
      logs: ["2026-12-05T08:00:00.000Z stdout: hi"],
    });
    expect(asked).toEqual([`127.0.0.1:7001 ${backendId}`, `127.0.0.1:7001 ${backendId}`]);
  });

  it("puts the action's facts in its record, without waiting long for them", async () => {
    const { router, invoker } = setup();
    const limits = { timeout: 5_000, memory: 128, logs: 10, concurrency: 1 };
    const known = invoker.start({
      caller,
      action: copy,
      params: {},
      facts: Promise.resolve({ version: "0.0.2", kind: "nodejs:20", limits }),
    });
    const unknown = invoker.start({
      caller,
      action: copy,
      params: {},
      // A controller that never answers: the record goes without (factsWaitMs).
      facts: new Promise(() => {}),
    });
    if ("refused" in known || "refused" in unknown) throw new Error("refused");
    await settle();
    router.calls[0]?.answer({ retcode: "OK", output: "{}" });
    router.calls[1]?.answer({ retcode: "OK", output: "{}" });
    const withFacts = (await known.completion) as Extract<FinalOutcome, { kind: "activation" }>;
    expect(withFacts.record.version).toBe("0.0.2");
    expect(withFacts.record.annotations).toContainEqual({ key: "kind", value: "nodejs:20" });
    expect(withFacts.record.annotations).toContainEqual({ key: "limits", value: limits });
    const without = (await unknown.completion) as Extract<FinalOutcome, { kind: "activation" }>;
    expect(without.record.version).toBe("0.0.1");
    expect(without.record.annotations.map((a) => a.key)).toEqual(["path", "waitTime", "timeout"]);
  });

  it("stores nothing for an accepted invocation whose computer does not say where it runs", async () => {
    const { router, store, start } = setup();
    const invocation = start();
    await settle();
    router.calls[0]?.answer({
      retcode: `wsk:accepted 202 ${"c".repeat(32)}: the action is still running`,
      output: JSON.stringify({ activationId: "c".repeat(32) }),
    });
    expect(await invocation.completion).toEqual({ kind: "still-running", backend: undefined });
    expect(await store.get("guest", invocation.activationId)).toBeUndefined();
  });

  it("stores no refusal its blocking caller saw", async () => {
    const { router, store, start } = setup();
    const invocation = start();
    await settle();
    router.calls[0]?.answer(new ConnectError("slow", Code.DeadlineExceeded));
    expect(await invocation.completion).toMatchObject({ kind: "refused", httpStatus: 504 });
    expect(await store.get("guest", invocation.activationId)).toBeUndefined();
  });

  it("tells 'no such action' (404) from 'offered but not routable' (503) by the controller's listing", async () => {
    const none = setup({ offered: ["/guest/other"] });
    const a = none.start();
    await settle();
    none.router.calls[0]?.answer({ retcode: "No destinations found for the entry" });
    expect(await a.completion).toMatchObject({ kind: "refused", httpStatus: 404 });

    const offered = setup({ offered: ["/guest/copy"] });
    const b = offered.start();
    await settle();
    offered.router.calls[0]?.answer({ retcode: "No destinations found for the entry" });
    expect(await b.completion).toMatchObject({ kind: "refused", httpStatus: 503 });
  });

  it("lets running calls finish on close, then cancels what outlasts the drain", async () => {
    const { router, invoker, start } = setup();
    const quick = start();
    const stuck = start();
    await settle();
    router.calls[0]?.answer({ retcode: "OK", output: "{}" });
    await invoker.close(50);
    expect(await quick.completion).toMatchObject({ kind: "activation" });
    expect(router.calls[1]?.signal.aborted).toBe(true);
    expect(await stuck.completion).toMatchObject({ kind: "refused", httpStatus: 503 });
    expect(invoker.start({ caller, action: copy, params: {} })).toMatchObject({
      refused: "closing",
    });
  });
});
