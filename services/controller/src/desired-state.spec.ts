import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { DesiredState } from "./desired-state.js";
import { documentDigest } from "./domain-entity.js";

const { ACTION, PACKAGE } = soev1.EntityKind;
const text = (s: string) => new TextEncoder().encode(s);
const ref = (kind: soev1.EntityKind, pkg: string, name: string, namespace = "guest") => ({
  kind,
  namespace,
  package: pkg,
  name,
});

describe("desired state", () => {
  it("creates at 0.0.1 and bumps the patch on each update, digest and time following", () => {
    const state = new DesiredState();
    const first = state.put(ref(ACTION, "", "hello"), text("{}"), 10);
    expect(first.previous).toBeUndefined();
    expect(first.entity).toMatchObject({
      version: "0.0.1",
      digest: documentDigest(text("{}")),
      updatedUnixMs: 10,
    });
    const second = state.put(ref(ACTION, "", "hello"), text('{"a":1}'), 20);
    expect(second.previous).toBe(first.entity);
    expect(second.entity).toMatchObject({
      version: "0.0.2",
      digest: documentDigest(text('{"a":1}')),
      updatedUnixMs: 20,
    });
    expect(state.get(ref(ACTION, "", "hello"))).toBe(second.entity);
  });

  it("keys by kind, namespace, package and name", () => {
    const state = new DesiredState();
    state.put(ref(ACTION, "", "x"), text("{}"), 0);
    state.put(ref(ACTION, "p", "x"), text("{}"), 0);
    state.put(ref(PACKAGE, "", "x"), text("{}"), 0);
    state.put(ref(ACTION, "", "x", "other"), text("{}"), 0);
    expect(state.entities()).toHaveLength(4);
    expect(state.package("guest", "x")?.ref.kind).toBe(PACKAGE);
    expect(state.actionsIn("guest", "p").map((e) => e.ref.name)).toEqual(["x"]);
  });

  it("lists one kind of one namespace sorted by name, actions by package when asked", () => {
    const state = new DesiredState();
    for (const [pkg, name] of [
      ["", "c"],
      ["p", "b"],
      ["", "a"],
      ["q", "a"],
    ] as const) {
      state.put(ref(ACTION, pkg, name), text("{}"), 0);
    }
    state.put(ref(PACKAGE, "", "p"), text("{}"), 0);
    const names = (pkg?: string) =>
      state.list(ACTION, "guest", pkg).map((e) => `${e.ref.package}/${e.ref.name}`);
    expect(names()).toEqual(["/a", "q/a", "p/b", "/c"]);
    expect(names("")).toEqual(["/a", "/c"]);
    expect(names("p")).toEqual(["p/b"]);
    expect(state.list(ACTION, "other")).toEqual([]);
  });

  it("deletes and answers what it deleted", () => {
    const state = new DesiredState();
    const { entity } = state.put(ref(ACTION, "", "x"), text("{}"), 0);
    expect(state.delete(ref(ACTION, "", "x"))).toBe(entity);
    expect(state.delete(ref(ACTION, "", "x"))).toBeUndefined();
    expect(state.entities()).toEqual([]);
  });

  it("keeps a copy of the document, not the caller's buffer", () => {
    const state = new DesiredState();
    const buffer = text("{}");
    state.put(ref(ACTION, "", "x"), buffer, 0);
    buffer[0] = 0x5b;
    expect(new TextDecoder().decode(state.get(ref(ACTION, "", "x"))?.document)).toBe("{}");
  });

  it("restores saved entities as they were", () => {
    const state = new DesiredState();
    state.put(ref(ACTION, "", "x"), text("{}"), 5);
    state.put(ref(ACTION, "", "x"), text("{}"), 6);
    const restored = new DesiredState();
    restored.restore(state.entities());
    expect(restored.entities()).toEqual(state.entities());
    expect(restored.put(ref(ACTION, "", "x"), text("{}"), 7).entity.version).toBe("0.0.3");
  });
});
