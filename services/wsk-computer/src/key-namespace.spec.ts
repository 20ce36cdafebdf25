import { OpenWhiskUnreachableError } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import { KeyNamespace } from "./key-namespace.js";

describe("KeyNamespace", () => {
  it("asks OpenWhisk once, sharing the request between concurrent callers", async () => {
    let asked = 0;
    const ns = new KeyNamespace(async () => {
      asked += 1;
      return ["guest"];
    });
    expect(ns.value).toBeUndefined();
    expect(await Promise.all([ns.resolve(), ns.resolve()])).toEqual(["guest", "guest"]);
    expect(await ns.resolve()).toBe("guest");
    expect(ns.value).toBe("guest");
    expect(asked).toBe(1);
  });

  it("asks again after a failure", async () => {
    let down = true;
    const ns = new KeyNamespace(async () => {
      if (down) throw new OpenWhiskUnreachableError("GET", "http://ow", new Error("refused"));
      return ["guest"];
    });
    await expect(ns.resolve()).rejects.toBeInstanceOf(OpenWhiskUnreachableError);
    down = false;
    expect(await ns.resolve()).toBe("guest");
  });

  it("refuses a listing that does not name exactly one namespace", async () => {
    await expect(new KeyNamespace(async () => []).resolve()).rejects.toThrow("0 namespaces");
    await expect(new KeyNamespace(async () => ["a", "b"]).resolve()).rejects.toThrow(
      "2 namespaces",
    );
  });

  it("never asks when the namespace is given", async () => {
    const ns = new KeyNamespace(async () => {
      throw new Error("asked");
    }, "team");
    expect(await ns.resolve()).toBe("team");
  });
});
