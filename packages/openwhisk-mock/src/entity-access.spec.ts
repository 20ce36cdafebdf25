import { describe, expect, it } from "vitest";
import { resolveAccess } from "./entity-access.js";

const guest = { namespace: "guest", subject: "guest" };

describe("resolveAccess", () => {
  it("reads _ and the caller's own namespace", () => {
    expect(resolveAccess(guest, "_", ["copy"])).toEqual({ ok: true, namespace: "guest" });
    expect(resolveAccess(guest, "guest")).toEqual({ ok: true, namespace: "guest" });
  });

  it("answers 403 for another namespace, naming the resource when there is one", () => {
    expect(resolveAccess(guest, "whisk.system", ["utils", "echo"])).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'whisk.system/utils/echo'.",
    });
    expect(resolveAccess(guest, "other")).toMatchObject({
      status: 403,
      error: "The supplied authentication is not authorized to access this resource.",
    });
  });

  it("answers 400 for illegal names before looking at rights", () => {
    expect(resolveAccess(guest, "other", ["bad/name"])).toMatchObject({ status: 400 });
    expect(resolveAccess(guest, "_", ["x".repeat(300)])).toEqual({
      ok: false,
      status: 400,
      error: "Name segement longer than allowed: 300 > 256.",
    });
  });
});
