import { describe, expect, it } from "vitest";
import { resolveAccess, resolveActionAccess } from "./namespace-access.js";

const guest = { namespace: "guest", subject: "guest" };

describe("resolveAccess", () => {
  it("reads _ and the caller's own namespace", () => {
    expect(resolveAccess(guest, "_", ["copy"])).toEqual({ ok: true, namespace: "guest" });
    expect(resolveAccess(guest, "guest")).toEqual({ ok: true, namespace: "guest" });
    expect(resolveAccess(guest, "guest", ["pkg", "copy"])).toEqual({
      ok: true,
      namespace: "guest",
    });
  });

  it("answers 403 for another namespace, naming the resource when there is one", () => {
    expect(resolveAccess(guest, "whisk.system", ["utils", "echo"])).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'whisk.system/utils/echo'.",
    });
    expect(resolveAccess(guest, "other", ["pkg", "hello"])).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'other/pkg/hello'.",
    });
    expect(resolveAccess(guest, "other")).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access this resource.",
    });
  });

  it("answers 400 for illegal names before looking at rights, with OpenWhisk's texts", () => {
    expect(resolveAccess(guest, "other", ["bad/name"])).toEqual({
      ok: false,
      status: 400,
      error: "The name of the entity contains illegal characters.",
    });
    expect(resolveAccess(guest, "_", ["x".repeat(300)])).toEqual({
      ok: false,
      status: 400,
      error: "Name segement longer than allowed: 300 > 256.",
    });
    expect(resolveAccess(guest, "_", ["a".repeat(257)])).toEqual({
      ok: false,
      status: 400,
      error: "Name segement longer than allowed: 257 > 256.",
    });
    expect(resolveAccess(guest, "..", ["copy"])).toMatchObject({ ok: false, status: 400 });
  });
});

describe("resolveActionAccess", () => {
  const published = (name: string) => name === "/whisk.system/utils/sort";

  it("reaches an action of another namespace's published package", () => {
    expect(resolveActionAccess(guest, "whisk.system", ["utils", "sort"], published)).toEqual({
      ok: true,
      namespace: "whisk.system",
    });
  });

  it("keeps the caller's own actions, and 400 before rights", () => {
    expect(resolveActionAccess(guest, "_", ["copy"], () => false)).toEqual({
      ok: true,
      namespace: "guest",
    });
    expect(resolveActionAccess(guest, "whisk.system", ["bad/name"], published)).toMatchObject({
      status: 400,
    });
  });

  it("refuses a private package's action with 403 naming the package", () => {
    expect(resolveActionAccess(guest, "other", ["secret", "sort"], published)).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'other/secret'.",
    });
    expect(resolveActionAccess(guest, "whisk.system", ["utils", "echo"], published)).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'whisk.system/utils'.",
    });
  });

  it("refuses another namespace's default-package action naming it", () => {
    expect(resolveActionAccess(guest, "other", ["copy"], () => true)).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'other/copy'.",
    });
  });
});
