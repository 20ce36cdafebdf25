import { describe, expect, it } from "vitest";
import { ActivationStatus } from "./activation-status.js";
import {
  type ComponentOutcome,
  type ComponentRunner,
  componentTimeoutText,
  runSequence,
  SequenceErrorText,
} from "./sequence-run.js";

/** Each component adds its name to `trail`, and reports itself as one atomic action. */
function trailRunner(special: Record<string, ComponentOutcome> = {}): {
  run: ComponentRunner;
  seen: { component: string; input: Record<string, unknown>; count: number }[];
} {
  const seen: { component: string; input: Record<string, unknown>; count: number }[] = [];
  let n = 0;
  const run: ComponentRunner = async (component, input, count) => {
    seen.push({ component, input: { ...input }, count });
    const own = special[component];
    if (own !== undefined) return own;
    n += 1;
    const trail = [...((input.trail as string[] | undefined) ?? []), component];
    return {
      kind: "activation",
      activationId: `id${n}`,
      response: { status: ActivationStatus.success, success: true, result: { trail } },
      atomicCount: count + 1,
      duration: 10,
      memory: 128 * n,
    };
  };
  return { run, seen };
}

describe("runSequence", () => {
  it("passes each result on as the next component's input and lists the ids", async () => {
    const { run, seen } = trailRunner();
    const done = await runSequence(["/g/a", "/g/b", "/g/c"], { trail: ["in"] }, run);
    expect(seen.map((s) => s.input)).toEqual([
      { trail: ["in"] },
      { trail: ["in", "/g/a"] },
      { trail: ["in", "/g/a", "/g/b"] },
    ]);
    expect(done.response).toEqual({
      status: "success",
      success: true,
      result: { trail: ["in", "/g/a", "/g/b", "/g/c"] },
    });
    expect(done.logs).toEqual(["id1", "id2", "id3"]);
    expect(done.atomicCount).toBe(3);
    expect(done.duration).toBe(30);
    expect(done.maxMemory).toBe(384);
  });

  it("stops at the first result with an error field, with that component's response", async () => {
    const broken: ComponentOutcome = {
      kind: "activation",
      activationId: "bad",
      response: {
        status: ActivationStatus.applicationError,
        success: false,
        result: { error: "no" },
      },
      atomicCount: 2,
    };
    const { run, seen } = trailRunner({ "/g/b": broken });
    const done = await runSequence(["/g/a", "/g/b", "/g/c"], {}, run);
    expect(seen.map((s) => s.component)).toEqual(["/g/a", "/g/b"]);
    expect(done.response).toEqual(broken.response);
    expect(done.logs).toEqual(["id1", "bad"]);
  });

  it("stops at an error field even when the status says success, as OpenWhisk does", async () => {
    const { run, seen } = trailRunner({
      "/g/a": {
        kind: "activation",
        activationId: "x",
        response: { status: ActivationStatus.success, success: true, result: { error: "soft" } },
        atomicCount: 1,
      },
    });
    const done = await runSequence(["/g/a", "/g/b"], {}, run);
    expect(seen).toHaveLength(1);
    expect(done.response.result).toEqual({ error: "soft" });
  });

  it("ends with an application error at a missing component, its id not listed", async () => {
    const { run } = trailRunner({ "/g/gone": { kind: "missing" } });
    const done = await runSequence(["/g/a", "/g/gone", "/g/c"], {}, run);
    expect(done.response).toMatchObject({
      status: "application error",
      success: false,
      result: { error: SequenceErrorText.componentMissing },
    });
    expect(done.logs).toEqual(["id1"]);
  });

  it("ends with a whisk error naming a component that did not finish, and one that failed", async () => {
    const slow = await runSequence(
      ["/g/slow"],
      {},
      trailRunner({ "/g/slow": { kind: "still-running", activationId: "s1" } }).run,
    );
    expect(slow.response).toMatchObject({
      status: "whisk internal error",
      result: { error: componentTimeoutText("s1") },
    });
    expect(slow.logs).toEqual(["s1"]);
    const failed = await runSequence(["/g/a"], {}, async () => {
      throw new Error("boom");
    });
    expect(failed.response.result).toEqual({ error: SequenceErrorText.failed });
  });

  it("counts atomic actions from the enclosing sequence's count and stops at the limit", async () => {
    const { run, seen } = trailRunner();
    const done = await runSequence(["/g/a", "/g/b", "/g/c"], {}, run, {
      atomicCount: 3,
      limit: 4,
    });
    expect(seen.map((s) => s.count)).toEqual([3]);
    expect(done.logs).toEqual(["id1"]);
    expect(done.response).toMatchObject({
      status: "application error",
      result: { error: SequenceErrorText.tooLong },
    });
  });

  it("gives the next component an empty input when a result is not an object", async () => {
    const { run, seen } = trailRunner({
      "/g/a": {
        kind: "activation",
        activationId: "arr",
        response: { status: ActivationStatus.success, success: true, result: [1, 2] },
        atomicCount: 1,
      },
    });
    await runSequence(["/g/a", "/g/b"], {}, run);
    expect(seen[1]?.input).toEqual({});
  });
});
