import { afterAll, describe, expect, it } from "vitest";
import { ActionRunner } from "./action-runner.js";
import { isSampleActionName, sampleActionNames, sampleActions } from "./sample-actions.js";

const runner = new ActionRunner({ clock: () => 0, maxResultBytes: 1 << 20, maxLogBytes: 1 << 16 });
afterAll(() => runner.close());

function run(name: keyof typeof sampleActions, params: Record<string, unknown> = {}) {
  return runner.run({
    cacheKey: name,
    code: sampleActions[name],
    main: "main",
    params,
    timeoutMs: 5000,
    filename: name,
  });
}

describe("sample actions", () => {
  it("copy turns input into payload, as in the reference walkthrough", async () => {
    expect((await run("copy", { input: "hello" })).result).toEqual({ payload: "hello" });
    expect((await run("copy", {})).result).toEqual({ payload: "" });
  });

  it("echo returns its parameters unchanged", async () => {
    expect((await run("echo", { payload: "hello", n: 1 })).result).toEqual({
      payload: "hello",
      n: 1,
    });
  });

  it("fail is an application error and crash a developer error", async () => {
    expect(await run("fail", { message: "m" })).toMatchObject({
      status: "application error",
      result: { error: "m" },
    });
    expect(await run("crash")).toMatchObject({
      status: "action developer error",
      result: { error: "An error has occurred: Error: this action always crashes" },
    });
  });

  it("sleep answers after its delay", async () => {
    expect((await run("sleep", { ms: 3 })).result).toEqual({ slept: 3 });
  });

  it("log writes one line per parameter", async () => {
    const outcome = await run("log", { a: 1 });
    expect(outcome.logs).toEqual([
      "1970-01-01T00:00:00.000000000Z stdout: a=1",
      "1970-01-01T00:00:00.000000000Z stderr: logged 1 parameters",
    ]);
  });

  it("knows its names", () => {
    expect(sampleActionNames).toContain("copy");
    expect(isSampleActionName("copy")).toBe(true);
    expect(isSampleActionName("toString")).toBe(false);
  });
});
