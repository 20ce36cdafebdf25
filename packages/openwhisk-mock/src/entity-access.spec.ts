import { describe, expect, it } from "vitest";
import {
  actionReadRefusal,
  packageRead,
  packageReadRefusal,
  readNamespace,
} from "./entity-access.js";
import { EntityStore } from "./entity-store.js";

const code = { exec: { kind: "nodejs:20", code: "function main(p) { return p }" } };

/** `sys` publishes `pub` and keeps `priv`; `guest` binds both (the second while it was public). */
function store(): EntityStore {
  const s = new EntityStore(() => 0, { concurrency: 1, logs: 10, memory: 256, timeout: 1000 });
  s.putPackage("sys", "pub", { publish: true }, false);
  s.putPackage("sys", "priv", { publish: true }, false);
  s.putAction("sys", "pub", "a", code, false);
  s.putAction("sys", undefined, "top", code, false);
  s.putPackage("guest", "own", {}, false);
  s.putPackage("guest", "b-pub", { binding: { namespace: "sys", name: "pub" } }, false);
  s.putPackage("guest", "b-priv", { binding: { namespace: "sys", name: "priv" } }, false);
  s.putPackage("guest", "b-own", { binding: { namespace: "guest", name: "own" } }, false);
  s.putPackage("sys", "priv", { publish: false }, true);
  s.putAction("guest", undefined, "act", code, false);
  return s;
}

describe("packageRead", () => {
  const s = store();
  it.each([
    ["guest", "own", "ok"],
    ["guest", "missing", "missing"],
    ["guest", "act", "not-package"],
    ["guest", "b-pub", "ok"],
    ["guest", "b-own", "ok"],
    ["guest", "b-priv", "forbidden"],
    ["sys", "pub", "ok"],
    ["sys", "priv", "forbidden"],
    ["sys", "missing", "forbidden"],
    ["sys", "top", "forbidden"],
  ] as const)("guest reading %s/%s: %s", (namespace, name, expected) => {
    expect(packageRead(s, "guest", namespace, name)).toBe(expected);
  });

  it("refuses another namespace's bindings even to public packages", () => {
    expect(packageRead(s, "sys", "guest", "b-pub")).toBe("forbidden");
  });

  it("answers 404 for the owner's binding whose own package is gone, 403 for another's", () => {
    s.deletePackage("guest", "own", true);
    expect(packageRead(s, "guest", "guest", "b-own")).toBe("missing");
    s.deletePackage("sys", "pub", true);
    expect(packageRead(s, "guest", "guest", "b-pub")).toBe("forbidden");
  });
});

describe("packageReadRefusal and actionReadRefusal", () => {
  const s = store();
  it("name the package of a refused read", () => {
    expect(packageReadRefusal("forbidden", "sys", "priv")).toEqual({
      status: 403,
      error: "The supplied authentication is not authorized to access 'sys/priv'.",
    });
    expect(packageReadRefusal("missing", "guest", "x").status).toBe(404);
    expect(packageReadRefusal("not-package", "guest", "act").status).toBe(409);
  });

  it("let actions of public packages through, and nothing of another default package", () => {
    expect(actionReadRefusal(s, "guest", "sys", "pub", "a")).toBeUndefined();
    expect(actionReadRefusal(s, "guest", "sys", "pub", "nope")).toBeUndefined();
    expect(actionReadRefusal(s, "guest", "guest", undefined, "anything")).toBeUndefined();
    expect(actionReadRefusal(s, "guest", "sys", undefined, "top")).toEqual({
      status: 403,
      error: "The supplied authentication is not authorized to access 'sys/top'.",
    });
    expect(actionReadRefusal(s, "guest", "sys", "priv", "a")?.error).toContain("'sys/priv'");
  });
});

describe("readNamespace", () => {
  it("resolves _ to the caller's, keeps another namespace, and refuses bad names first", () => {
    const guest = { namespace: "guest" };
    expect(readNamespace(guest, "_", ["p"])).toEqual({ ok: true, namespace: "guest" });
    expect(readNamespace(guest, "whisk.system", ["utils", "sort"])).toEqual({
      ok: true,
      namespace: "whisk.system",
    });
    expect(readNamespace(guest, "other", ["bad/name"])).toMatchObject({ ok: false, status: 400 });
  });
});
