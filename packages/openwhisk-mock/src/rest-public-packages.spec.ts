import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS, call, mockFactory } from "../test/rest-call.js";

// Entitlement on reads as the controller decides it (PackageCollection, ActionCollection):
// what the REST answers are, beyond what the official client shows.
const mocks = mockFactory();
afterAll(() => mocks.closeAll());
const mock = mocks.mock();
const PACKAGES = "/api/v1/namespaces/_/packages";

describe("another namespace's packages", () => {
  it("lists and counts only its public packages", async () => {
    const list = await call(mock, "GET", "/api/v1/namespaces/whisk.system/packages");
    expect(list.status).toBe(200);
    expect(list.json).toEqual([
      expect.objectContaining({ namespace: "whisk.system", name: "utils", binding: false }),
    ]);
    expect(list.json[0].parameters).toBeUndefined();
    const count = await call(mock, "GET", "/api/v1/namespaces/whisk.system/packages?count=true");
    expect(count.json).toEqual({ packages: 1 });
    expect((await call(mock, "GET", "/api/v1/namespaces/nobody/packages")).json).toEqual([]);
  });

  it("checks names before entitlement", async () => {
    const r = await call(mock, "GET", "/api/v1/namespaces/whisk.system/packages/%20bad");
    expect(r.status).toBe(400);
  });

  it("lists a public package's actions, and pages them", async () => {
    const r = await call(mock, "GET", "/api/v1/namespaces/whisk.system/actions/utils/?limit=2");
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(2);
    expect(r.json[0].namespace).toBe("whisk.system/utils");
  });
});

describe("the caller's own packages", () => {
  it("answers 404 for the actions of a package it does not have, 409 for an action's", async () => {
    expect((await call(mock, "GET", `${ACTIONS}/nothing/`)).status).toBe(404);
    await call(mock, "PUT", `${ACTIONS}/solo`, {
      body: { exec: { kind: "nodejs:20", code: "function main() { return {} }" } },
    });
    const r = await call(mock, "GET", `${ACTIONS}/solo/x`);
    expect(r.status).toBe(409);
    expect(r.json.error).toBe("Resource by this name exists but is not in this collection.");
  });

  it("refuses a sequence through a package it does not have with 404, before the component check", async () => {
    const r = await call(mock, "PUT", `${ACTIONS}/seq`, {
      body: { exec: { kind: "sequence", components: ["/_/nothing/x"] } },
    });
    expect(r.status).toBe(404);
    const gap = await call(mock, "PUT", `${ACTIONS}/seq`, {
      body: { exec: { kind: "sequence", components: ["/_/missing"] } },
    });
    expect(gap.status).toBe(400);
    expect(gap.json.error).toBe("Sequence component does not exist.");
  });

  it("binds another namespace's public package, and reads `_` in a binding as its own namespace", async () => {
    const r = await call(mock, "PUT", `${PACKAGES}/u`, {
      body: { binding: { namespace: "whisk.system", name: "utils" } },
    });
    expect(r.status).toBe(200);
    const sorted = await call(mock, "POST", `${ACTIONS}/u/sort?blocking=true&result=true`, {
      body: { lines: [3, 1, 2] },
    });
    expect(sorted.json).toEqual({ lines: [1, 2, 3], length: 3 });
    const own = await call(mock, "PUT", `${PACKAGES}/u2`, {
      body: { binding: { namespace: "_", name: "nothing" } },
    });
    expect(own.status).toBe(400);
    expect(own.json.error).toBe("Binding references a package that does not exist.");
  });
});
