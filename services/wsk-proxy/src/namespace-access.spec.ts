import { describe, expect, it } from "vitest";
import { resolveAccess } from "./namespace-access.js";

const guest = { namespace: "guest", subject: "guest" };

describe("resolveAccess", () => {
  it("resolves _ and the key's own namespace", () => {
    expect(resolveAccess(guest, "_", ["copy"])).toEqual({ ok: true, namespace: "guest" });
    expect(resolveAccess(guest, "guest", ["pkg", "copy"])).toEqual({
      ok: true,
      namespace: "guest",
    });
  });

  it("refuses other namespaces with 403 naming the resource, or generically", () => {
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

  it("checks names before entitlement, with OpenWhisk's texts", () => {
    expect(resolveAccess(guest, "other", ["bad/name"])).toEqual({
      ok: false,
      status: 400,
      error: "The name of the entity contains illegal characters.",
    });
    expect(resolveAccess(guest, "_", ["a".repeat(257)])).toEqual({
      ok: false,
      status: 400,
      error: "Name segement longer than allowed: 257 > 256.",
    });
    expect(resolveAccess(guest, "..", ["copy"])).toMatchObject({ ok: false, status: 400 });
  });
});
