import { describe, expect, it } from "vitest";
import { actionAccess } from "./action-access.js";

const guest = { namespace: "guest" };

describe("actionAccess", () => {
  const asked: string[] = [];
  const lister = {
    isPublic: async (name: string) => {
      asked.push(name);
      return name === "/whisk.system/utils/sort";
    },
  };

  it("lets a key reach an action the domain announces as public", async () => {
    expect(await actionAccess(lister, guest, "whisk.system", ["utils", "sort"])).toEqual({
      ok: true,
      namespace: "whisk.system",
    });
  });

  it("keeps 403 for a private package, naming the package", async () => {
    expect(await actionAccess(lister, guest, "other", ["secret", "sort"])).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'other/secret'.",
    });
  });

  it("does not ask the domain for the caller's own namespace or a bad name", async () => {
    asked.length = 0;
    expect(await actionAccess(lister, guest, "_", ["copy"])).toEqual({
      ok: true,
      namespace: "guest",
    });
    expect(await actionAccess(lister, guest, "other", ["bad name!"])).toMatchObject({
      status: 400,
    });
    expect(await actionAccess(lister, guest, "other", ["copy"])).toMatchObject({ status: 403 });
    expect(asked).toEqual([]);
  });
});
