import { afterAll, describe, expect, it } from "vitest";
import { ActionRunner } from "./action-runner.js";
import { EntityStore } from "./entity-store.js";
import {
  installWhiskSystemCatalog,
  UTILS_PACKAGE,
  utilsActionNames,
  utilsActions,
  WHISK_SYSTEM_NAMESPACE,
} from "./whisk-system-catalog.js";

const NOW = Date.UTC(2024, 4, 1, 10, 0, 0, 123);
const runner = new ActionRunner({ clock: () => NOW, maxResultBytes: 1 << 20, maxLogBytes: 4096 });
afterAll(() => runner.close());

let runs = 0;
function run(name: keyof typeof utilsActions, params: Record<string, unknown>) {
  runs += 1;
  return runner.run({
    cacheKey: `utils-${name}-${runs}`,
    code: utilsActions[name].code,
    main: "main",
    params,
    timeoutMs: 2000,
    filename: `whisk.system/utils/${name}.js`,
  });
}

describe("installWhiskSystemCatalog", () => {
  it("installs a published /whisk.system/utils with the catalog's actions", () => {
    const store = new EntityStore(() => NOW, {
      concurrency: 1,
      logs: 10,
      memory: 256,
      timeout: 60_000,
    });
    installWhiskSystemCatalog(store, "nodejs:20");
    const pkg = store.getPackage(WHISK_SYSTEM_NAMESPACE, UTILS_PACKAGE);
    expect(pkg).toMatchObject({ publish: true, binding: undefined, version: "0.0.1" });
    const names = store.listActions(WHISK_SYSTEM_NAMESPACE, UTILS_PACKAGE).map((a) => a.name);
    expect(names.sort()).toEqual(["cat", "date", "echo", "head", "smash", "sort", "split"]);
    const sort = store.getAction(WHISK_SYSTEM_NAMESPACE, UTILS_PACKAGE, "sort");
    expect(sort?.exec.kind).toBe("nodejs:20");
    expect(sort?.annotations).toContainEqual({ key: "description", value: "Sorts an array" });
  });
});

describe("the utils actions", () => {
  // The catalog's own sample input and output, as its manifest documents them.
  it.each(utilsActionNames.filter((n) => n !== "date"))(
    "%s turns its sample input into its sample output",
    async (name) => {
      const action = utilsActions[name];
      const input = "sampleInput" in action ? action.sampleInput : {};
      const outcome = await run(name, structuredClone(input) as Record<string, unknown>);
      expect(outcome.status).toBe("success");
      expect(outcome.result).toMatchObject(action.sampleOutput);
    },
  );

  it("sort uses JavaScript's default order, strings by code unit", async () => {
    const outcome = await run("sort", { lines: ["b", "a", "10", "9"] });
    expect(outcome.result).toEqual({ lines: ["10", "9", "a", "b"], length: 4 });
    expect(outcome.logs.some((l) => l.endsWith("stdout: sort after: 10,9,a,b"))).toBe(true);
  });

  it("sort and cat of nothing give empty lines", async () => {
    expect((await run("sort", {})).result).toEqual({ lines: [], length: 0 });
    expect((await run("cat", {})).result).toEqual({ lines: [], payload: "" });
  });

  it("cat joins the lines with newlines and drops other fields", async () => {
    const outcome = await run("cat", { lines: ["a", "b"], other: 1 });
    expect(outcome.result).toEqual({ lines: ["a", "b"], payload: "a\nb" });
  });

  it("head takes one line unless told more", async () => {
    expect((await run("head", { lines: ["x", "y"] })).result).toEqual({ lines: ["x"], num: 1 });
  });

  it("split splits at line ends by default", async () => {
    const outcome = await run("split", { payload: "one\r\ntwo\nthree" });
    expect(outcome.result).toEqual({
      lines: ["one", "two", "three"],
      payload: "one\r\ntwo\nthree",
    });
  });

  it("split without a payload fails as the catalog's does, as a developer error", async () => {
    const outcome = await run("split", {});
    expect(outcome.status).toBe("action developer error");
  });

  it("smash without $fieldName answers an application error", async () => {
    const outcome = await run("smash", { a: 1 });
    expect(outcome).toMatchObject({
      status: "application error",
      result: { error: "Expected an argument '$fieldName' of type 'string'." },
    });
  });

  it("date gives the time as an ISO string", async () => {
    const outcome = await run("date", {});
    expect(outcome.result).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/) });
  });
});
