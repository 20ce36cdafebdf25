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
