import {
  type ActivationRecord,
  ActivationStatus,
  componentTimeoutText,
  SequenceErrorText,
} from "@soe/openwhisk";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import type { ActionFacts } from "./action-facts.js";
import { buildActivationRecord } from "./activation-record.js";
import type { FinalOutcome, InvocationRequest } from "./domain-invoker.js";
import { type SequenceFacts, SequenceInvoker } from "./sequence-invoker.js";

const limits = { timeout: 60_000, memory: 256, logs: 10, concurrency: 1 };
const caller = { namespace: "guest", subject: "guest" } as InvocationRequest["caller"];

/** What a component does with its input: its result, or a failure of the domain. */
type Behaviour = (
  input: Record<string, unknown>,
) => { result: unknown; status?: ActivationStatus } | "still-running" | "not-found" | "busy";

function fakeDomain(
  behaviours: Record<string, Behaviour>,
  desired: Record<string, ActionFacts>,
  limit?: number,
) {
  const calls: InvocationRequest[] = [];
  const stored: ActivationRecord[] = [];
  let n = 0;
  const invoker = {
    start(request: InvocationRequest) {
      calls.push(request);
      const lambda =
        request.lambda ??
        `/${request.action.namespace}/${request.action.packageName === undefined ? "" : `${request.action.packageName}/`}${request.action.name}`;
      const behaviour = behaviours[lambda];
      const outcome = behaviour?.(request.params as Record<string, unknown>) ?? "not-found";
      if (outcome === "busy") return { refused: "busy" as const, count: 1, allowed: 1 };
      n += 1;
      const activationId = `c${n}`;
      let final: FinalOutcome;
      if (outcome === "still-running") final = { kind: "still-running", backend: undefined };
      else if (outcome === "not-found")
        final = {
          kind: "refused",
          httpStatus: 404,
          error: "The requested resource does not exist.",
        };
      else {
        const status = outcome.status ?? ActivationStatus.success;
        const record = buildActivationRecord({
          activationId,
          caller,
          action: request.action,
          start: 100 * n,
          end: 100 * n + 10,
          status,
          result: outcome.result,
          actionFacts: {
            version: "0.0.1",
            kind: "nodejs:20",
            limits: { ...limits, memory: 128 * n },
          },
          cause: request.cause,
        });
        stored.push(record);
        final = { kind: "activation", httpStatus: status === "success" ? 200 : 502, record };
      }
      return { activationId, completion: Promise.resolve(final), detach: () => undefined };
    },
  };
  let ids = 0;
  const sequences = new SequenceInvoker({
    invoker,
    store: { put: async (r) => void stored.push(r) },
    sources: {
      facts: async (a) => desired[`/${a.namespace}/${a.name}`],
      offers: async (name) => name in behaviours,
    },
    clock: () => 5_000,
    newActivationId: () => `s${++ids}`,
    ...(limit === undefined ? {} : { limit }),
    logger: createLogger({ name: "test", level: "silent" }),
  });
  return { sequences, calls, stored };
}

const seq = (...components: string[]): SequenceFacts => ({
  version: "0.0.3",
  kind: "sequence",
  limits,
  components,
});
const add =
  (key: string): Behaviour =>
  (input) => ({ result: { ...input, [key]: true } });

async function run(
  domain: ReturnType<typeof fakeDomain>,
  sequence: SequenceFacts,
  params: Record<string, unknown> = {},
) {
  const started = domain.sequences.start({
    caller,
    action: { namespace: "guest", name: "main" },
    sequence,
    params,
  });
  if ("refused" in started) throw new Error(`refused: ${started.refused}`);
  const final = await started.completion;
  if (final.kind !== "activation") throw new Error(`unexpected ${final.kind}`);
  return { id: started.activationId, ...final };
}

describe("SequenceInvoker", () => {
  it("runs the components in turn, each routed on its own, and stores the sequence's record", async () => {
    const domain = fakeDomain(
      { "/guest/a": add("a"), "/guest/b": add("b"), clambda0: add("native") },
      {},
    );
    const done = await run(domain, seq("/guest/a", "/guest/b", "/guest/clambda0"), { x: 1 });
    expect(domain.calls.map((c) => [c.lambda, c.params, c.cause])).toEqual([
      [undefined, { x: 1 }, "s1"],
      [undefined, { x: 1, a: true }, "s1"],
      ["clambda0", { x: 1, a: true, b: true }, "s1"],
    ]);
    expect(done.httpStatus).toBe(200);
    expect(done.record).toMatchObject({
      activationId: "s1",
      name: "main",
      version: "0.0.3",
      logs: ["c1", "c2", "c3"],
      duration: 30,
      response: { status: "success", result: { x: 1, a: true, b: true, native: true } },
    });
    expect(done.record.annotations).toEqual([
      { key: "topmost", value: true },
      { key: "path", value: "guest/main" },
      { key: "kind", value: "sequence" },
      { key: "waitTime", value: 0 },
      { key: "limits", value: { ...limits, memory: 384 } },
    ]);
    expect(domain.stored.at(-1)).toEqual(done.record);
    // The components' records name their sequence.
    expect(domain.stored[0]).toMatchObject({ cause: "s1" });
    expect(domain.stored[0]?.annotations[0]).toEqual({ key: "causedBy", value: "sequence" });
  });

  it("ends at an error in the middle with that component's response (502)", async () => {
    const domain = fakeDomain(
      {
        "/guest/a": add("a"),
        "/guest/fail": () => ({
          result: { error: "bad" },
          status: ActivationStatus.applicationError,
        }),
        "/guest/b": add("b"),
      },
      {},
    );
    const done = await run(domain, seq("/guest/a", "/guest/fail", "/guest/b"));
    expect(domain.calls).toHaveLength(2);
    expect(done.httpStatus).toBe(502);
    expect(done.record.response).toMatchObject({
      status: "application error",
      success: false,
      result: { error: "bad" },
    });
    expect(done.record.logs).toEqual(["c1", "c2"]);
  });

  it("ends with OpenWhisk's application error at a component the domain does not have", async () => {
    const done = await run(
      fakeDomain({ "/guest/a": add("a") }, {}),
      seq("/guest/a", "/guest/gone"),
    );
    expect(done.httpStatus).toBe(502);
    expect(done.record.response.result).toEqual({ error: SequenceErrorText.componentMissing });
    expect(done.record.logs).toEqual(["c1"]);
  });

  it("ends with a whisk error when a component outlasts the wait or the proxy is busy", async () => {
    const slow = await run(
      fakeDomain({ "/guest/slow": () => "still-running" }, {}),
      seq("/guest/slow"),
    );
    expect(slow.httpStatus).toBe(500);
    expect(slow.record.response.result).toEqual({ error: componentTimeoutText("c1") });
    expect(slow.record.logs).toEqual(["c1"]);
    const busy = await run(fakeDomain({ "/guest/b": () => "busy" }, {}), seq("/guest/b"));
    expect(busy.record.response).toMatchObject({
      status: "whisk internal error",
      result: { error: SequenceErrorText.failed },
    });
  });

  it("runs a nested domain sequence under its own record, counting its actions against the limit", async () => {
    const domain = fakeDomain(
      { "/guest/a": add("a"), "/guest/b": add("b") },
      { "/guest/inner": seq("/guest/a", "/guest/b") },
    );
    const done = await run(domain, seq("/guest/inner", "/guest/a"));
    const inner = domain.stored.find((r) => r.activationId === "s2");
    expect(inner).toMatchObject({ cause: "s1", logs: ["c1", "c2"] });
    expect(inner?.annotations.slice(0, 4)).toEqual([
      { key: "topmost", value: false },
      { key: "path", value: "guest/inner" },
      { key: "kind", value: "sequence" },
      { key: "causedBy", value: "sequence" },
    ]);
    expect(domain.calls.map((c) => c.cause)).toEqual(["s2", "s2", "s1"]);
    expect(done.record.logs).toEqual(["s2", "c3"]);
    expect(done.record.response.result).toEqual({ a: true, b: true });
  });

  it("stops when the atomic actions, nested ones counted, reach the limit", async () => {
    const domain = fakeDomain(
      { "/guest/a": add("a") },
      { "/guest/inner": seq("/guest/a", "/guest/a") },
      3,
    );
    const done = await run(domain, seq("/guest/inner", "/guest/inner"));
    // The first inner sequence runs 2, the second 1 before the limit stops it, and the outer.
    expect(domain.calls).toHaveLength(3);
    expect(done.record.response.result).toEqual({ error: SequenceErrorText.tooLong });
    expect(done.record.logs).toEqual(["s2", "s3"]);
    const second = domain.stored.find((r) => r.activationId === "s3");
    expect(second?.response.result).toEqual({ error: SequenceErrorText.tooLong });
    expect(second?.logs).toEqual(["c3"]);
  });

  it("runs no component of another namespace the domain does not announce as public", async () => {
    const domain = fakeDomain({ "/guest/a": add("a"), "/team/private": add("p") }, {});
    const done = await run(domain, seq("/guest/a", "/team/private"));
    expect(domain.calls).toHaveLength(1);
    expect(done.record.response).toMatchObject({
      status: "whisk internal error",
      result: { error: SequenceErrorText.failed },
    });
  });

  it("fails with a whisk error, not a missing component, when the domain holds one it cannot route", async () => {
    const deployed = { version: "0.0.1", kind: "nodejs:20", limits };
    const domain = fakeDomain({}, { "/guest/placed-nowhere": deployed });
    const done = await run(domain, seq("/guest/placed-nowhere"));
    expect(done.record.response).toMatchObject({
      status: "whisk internal error",
      result: { error: SequenceErrorText.failed },
    });
  });

  it("refuses a sequence beyond its bound before running anything, and frees the place after", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<FinalOutcome>((resolve) => {
      release = () => resolve({ kind: "still-running", backend: undefined });
    });
    const sequences = new SequenceInvoker({
      invoker: {
        start: () => ({ activationId: "c1", completion: held, detach: () => undefined }),
      },
      store: { put: async () => undefined },
      sources: { facts: async () => undefined, offers: async () => true },
      maxInFlight: 1,
      logger: createLogger({ name: "test", level: "silent" }),
    });
    const request = {
      caller,
      action: { namespace: "guest", name: "main" },
      sequence: seq("/guest/a"),
      params: {},
    };
    const first = sequences.start(request);
    expect(sequences.start(request)).toEqual({ refused: "busy", count: 1, allowed: 1 });
    release();
    if ("refused" in first) throw new Error("the first was refused");
    await first.completion;
    expect(sequences.inFlight).toBe(0);
    expect("refused" in sequences.start(request)).toBe(false);
  });
});
