import { describe, expect, it } from "vitest";
import { EntityStore } from "./entity-store.js";

const LIMITS = { concurrency: 1, logs: 10, memory: 256, timeout: 60_000 };
const exec = { kind: "nodejs:20", code: "function main() {}" };

function store(start = 1000) {
  let now = start;
  return { entities: new EntityStore(() => now, LIMITS), tick: () => (now += 1) };
}

describe("EntityStore actions", () => {
  it("creates version 0.0.1 with the system annotations and default limits", () => {
    const { entities } = store();
    const put = entities.putAction("guest", undefined, "a", { exec }, false);
    expect(put).toMatchObject({
      ok: true,
      created: true,
      entity: { version: "0.0.1", limits: LIMITS, updated: 1000 },
    });
    if (!put.ok) return;
    expect(put.entity.annotations).toEqual([
      { key: "provide-api-key", value: false },
      { key: "exec", value: "nodejs:20" },
    ]);
  });

  it("refuses to overwrite unless asked, and keeps unspecified fields on update", () => {
    const { entities, tick } = store();
    entities.putAction(
      "guest",
      undefined,
      "a",
      { exec, parameters: [{ key: "p", value: 1 }], limits: { timeout: 500 } },
      false,
    );
    expect(entities.putAction("guest", undefined, "a", { exec }, false)).toEqual({
      ok: false,
      reason: "exists",
    });
    tick();
    const updated = entities.putAction("guest", undefined, "a", { limits: { memory: 512 } }, true);
    expect(updated).toMatchObject({
      ok: true,
      created: false,
      entity: {
        version: "0.0.2",
        parameters: [{ key: "p", value: 1 }],
        limits: { timeout: 500, memory: 512 },
        updated: 1001,
      },
    });
  });

  it("needs code for a new action", () => {
    expect(store().entities.putAction("guest", undefined, "a", {}, true)).toEqual({
      ok: false,
      reason: "no-exec",
    });
  });

  it("lists newest first, breaking equal update times by order of writing", () => {
    const { entities, tick } = store();
    entities.putAction("guest", undefined, "old", { exec }, false);
    tick();
    entities.putAction("guest", undefined, "x", { exec }, false);
    entities.putAction("guest", undefined, "y", { exec }, false);
    expect(entities.listActions("guest").map((a) => a.name)).toEqual(["y", "x", "old"]);
    tick();
    entities.putAction("guest", undefined, "old", {}, true);
    expect(entities.listActions("guest").map((a) => a.name)).toEqual(["old", "y", "x"]);
    expect(entities.listActions("other")).toEqual([]);
  });
});

describe("EntityStore packages", () => {
  it("holds actions in packages, separately from top-level names", () => {
    const { entities } = store();
    expect(entities.putAction("guest", "p", "a", { exec }, false)).toEqual({
      ok: false,
      reason: "no-package",
    });
    entities.putPackage("guest", "p", {}, false);
    expect(entities.putAction("guest", "p", "a", { exec }, false).ok).toBe(true);
    expect(entities.putAction("guest", undefined, "p", { exec }, false)).toEqual({
      ok: false,
      reason: "other-collection",
    });
    expect(entities.getAction("guest", undefined, "a")).toBeUndefined();
    expect(entities.listActions("guest", "p").map((a) => a.name)).toEqual(["a"]);
  });

  it("deletes a package only when empty, or with force along with its actions", () => {
    const { entities } = store();
    entities.putPackage("guest", "p", {}, false);
    entities.putAction("guest", "p", "a", { exec }, false);
    entities.putAction("guest", "p", "b", { exec }, false);
    expect(entities.deletePackage("guest", "p", false)).toEqual({
      ok: false,
      reason: "not-empty",
      count: 2,
    });
    expect(entities.deletePackage("guest", "p", true).ok).toBe(true);
    expect(entities.listActions("guest")).toEqual([]);
    expect(entities.deletePackage("guest", "p", true)).toEqual({ ok: false, reason: "missing" });
  });
});

describe("EntityStore bindings and sequences", () => {
  function withUtils() {
    const s = store();
    s.entities.putPackage("guest", "utils", { parameters: [{ key: "a", value: "pkg" }] }, false);
    s.entities.putAction(
      "guest",
      "utils",
      "echo",
      { exec, parameters: [{ key: "c", value: 1 }] },
      false,
    );
    return s;
  }

  it("binds to a package and resolves its actions with bound < binding parameters", () => {
    const { entities } = withUtils();
    const put = entities.putPackage(
      "guest",
      "mine",
      {
        binding: { namespace: "_", name: "utils" },
        parameters: [
          { key: "a", value: "binding" },
          { key: "b", value: "binding" },
        ],
      },
      false,
    );
    expect(put).toMatchObject({
      ok: true,
      entity: { binding: { namespace: "guest", name: "utils" } },
    });
    if (!put.ok) return;
    expect(put.entity.annotations).toEqual([
      { key: "binding", value: { namespace: "guest", name: "utils" } },
    ]);
    const found = entities.resolveAction("guest", "mine", "echo");
    expect(found).toMatchObject({
      action: { packageName: "utils", name: "echo" },
      packageParameters: [
        { key: "a", value: "binding" },
        { key: "b", value: "binding" },
      ],
      binding: "guest/mine",
    });
    expect(entities.listActions("guest", "mine").map((a) => a.name)).toEqual(["echo"]);
    expect(entities.putAction("guest", "mine", "x", { exec }, false)).toEqual({
      ok: false,
      reason: "in-binding",
    });
  });

  it("refuses bindings OpenWhisk refuses", () => {
    const { entities } = withUtils();
    const bind = (name: string, to: string, namespace = "guest") =>
      entities.putPackage("guest", name, { binding: { namespace, name: to } }, true);
    entities.putAction("guest", undefined, "plain", { exec }, false);
    expect(bind("b1", "missing")).toEqual({ ok: false, reason: "binding-missing" });
    expect(bind("b2", "plain")).toEqual({ ok: false, reason: "binding-not-package" });
    expect(bind("b3", "utils").ok).toBe(true);
    expect(bind("b4", "b3")).toEqual({ ok: false, reason: "binding-to-binding" });
    expect(bind("utils", "b3")).toEqual({ ok: false, reason: "package-to-binding" });
    expect(bind("default", "utils")).toEqual({ ok: false, reason: "reserved" });
    entities.putPackage("other", "private", {}, false);
    expect(bind("b5", "private", "other")).toEqual({ ok: false, reason: "binding-forbidden" });
    entities.putPackage("other", "shared", { publish: true }, false);
    expect(bind("b6", "shared", "other").ok).toBe(true);
  });

  it("stores a sequence with its components as _actions, and checks them", () => {
    const { entities } = withUtils();
    const components = ["/guest/utils/echo"];
    const put = entities.putAction(
      "guest",
      undefined,
      "seq",
      { exec: { kind: "sequence", components }, parameters: [{ key: "x", value: 1 }] },
      false,
    );
    expect(put).toMatchObject({
      ok: true,
      entity: { parameters: [{ key: "_actions", value: components }] },
    });
    const put2 = (c: string[]) =>
      entities.putAction(
        "guest",
        undefined,
        "seq2",
        { exec: { kind: "sequence", components: c } },
        true,
      );
    expect(put2(["/guest/nothing"])).toEqual({ ok: false, reason: "no-component" });
    expect(put2(["/guest/seq2"])).toEqual({ ok: false, reason: "cyclic" });
  });

  it("merges annotations key by key on update", () => {
    const { entities } = store();
    entities.putAction(
      "guest",
      undefined,
      "a",
      { exec, annotations: [{ key: "x", value: 1 }] },
      false,
    );
    const updated = entities.putAction(
      "guest",
      undefined,
      "a",
      { annotations: [{ key: "y", value: 2 }] },
      true,
    );
    expect(updated.ok && updated.entity.annotations).toEqual([
      { key: "x", value: 1 },
      { key: "provide-api-key", value: false },
      { key: "y", value: 2 },
      { key: "exec", value: "nodejs:20" },
    ]);
  });
});
