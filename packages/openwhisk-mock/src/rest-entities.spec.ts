import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS, call, mockFactory } from "../test/rest-call.js";

// Action and package definitions and listings as openwhisk-api.md §3 gives them.
const mocks = mockFactory();
afterAll(() => mocks.closeAll());
const mock = mocks.mock();

describe("actions and packages", () => {
  it("answers 409 to PUT on an existing action without overwrite, and bumps the version with it", async () => {
    const body = { exec: { kind: "nodejs:20", code: "function main() { return {} }" } };
    expect((await call(mock, "PUT", `${ACTIONS}/twice`, { body })).json.version).toBe("0.0.1");
    const again = await call(mock, "PUT", `${ACTIONS}/twice`, { body });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe("resource already exists");
    const over = await call(mock, "PUT", `${ACTIONS}/twice?overwrite=true`, {
      body: { parameters: [{ key: "a", value: 1 }] },
    });
    expect(over.json).toMatchObject({
      version: "0.0.2",
      parameters: [{ key: "a", value: 1 }],
      exec: { code: body.exec.code },
    });
  });

  it("refuses bad definitions with 400", async () => {
    const python = await call(mock, "PUT", `${ACTIONS}/py`, {
      body: { exec: { kind: "python:3", code: "def main(a): pass" } },
    });
    expect(python.status).toBe(400);
    const limit = await call(mock, "PUT", `${ACTIONS}/quick`, {
      body: { exec: { kind: "nodejs:20", code: "x" }, limits: { timeout: 50 } },
    });
    // The controller's own text (Messages.durationBelowAllowedThreshold), not a parse failure.
    expect(limit.json.error).toBe(
      "duration 50 milliseconds below allowed threshold of 100 milliseconds",
    );
    const noCode = await call(mock, "PUT", `${ACTIONS}/nocode`, { body: {} });
    expect(noCode.status).toBe(400);
  });

  it("hides the code with code=false and answers 404 after delete", async () => {
    const read = await call(mock, "GET", `${ACTIONS}/copy?code=false`);
    expect(read.json.exec).toEqual({ kind: "nodejs:20", binary: false });
    await call(mock, "PUT", `${ACTIONS}/gone`, {
      body: { exec: { kind: "nodejs:20", code: "function main() {}" } },
    });
    const deleted = await call(mock, "DELETE", `${ACTIONS}/gone`);
    expect(deleted.json.name).toBe("gone");
    expect((await call(mock, "GET", `${ACTIONS}/gone`)).status).toBe(404);
    expect((await call(mock, "DELETE", `${ACTIONS}/gone`)).status).toBe(404);
  });

  it("keeps packages and top-level actions in one name space, and needs the package first", async () => {
    expect(
      (await call(mock, "PUT", "/api/v1/namespaces/_/packages/copy", { body: {} })).status,
    ).toBe(409);
    const orphan = await call(mock, "PUT", `${ACTIONS}/nopkg/act`, {
      body: { exec: { kind: "nodejs:20", code: "x" } },
    });
    expect(orphan.status).toBe(404);
  });

  it("lists a package's actions at actions/{pkg}/ and in the package itself", async () => {
    const own = mocks.mock({ preload: [] });
    await call(own, "PUT", "/api/v1/namespaces/_/packages/tools", { body: {} });
    await call(own, "PUT", `${ACTIONS}/tools/a`, {
      body: { exec: { kind: "nodejs:20", code: "x" } },
    });
    await call(own, "PUT", `${ACTIONS}/top`, { body: { exec: { kind: "nodejs:20", code: "x" } } });
    const inPackage = await call(own, "GET", `${ACTIONS}/tools/`);
    expect(inPackage.json.map((a: { name: string }) => a.name)).toEqual(["a"]);
    const all = await call(own, "GET", ACTIONS);
    expect(
      all.json.map((a: { namespace: string; name: string }) => `${a.namespace}/${a.name}`),
    ).toEqual(["guest/top", "guest/tools/a"]);
    const pkg = await call(own, "GET", "/api/v1/namespaces/_/packages/tools");
    expect(pkg.json.actions).toEqual([expect.objectContaining({ name: "a", version: "0.0.1" })]);
    const notEmpty = await call(own, "DELETE", "/api/v1/namespaces/_/packages/tools");
    expect(notEmpty.status).toBe(409);
    expect(notEmpty.json.error).toBe(
      "Package not empty (contains 1 entity). Set force param or delete package contents.",
    );
    expect(
      (await call(own, "DELETE", "/api/v1/namespaces/_/packages/tools?force=true")).status,
    ).toBe(200);
    expect((await call(own, "GET", `${ACTIONS}/tools/a`)).status).toBe(404);
  });

  it("pages listings with limit and skip, counts, and checks their ranges", async () => {
    const own = mocks.mock({ preload: [] });
    for (const name of ["a", "b", "c", "d", "e"]) {
      await call(own, "PUT", `${ACTIONS}/${name}`, {
        body: { exec: { kind: "nodejs:20", code: "x" } },
      });
    }
    const page = await call(own, "GET", `${ACTIONS}?limit=2&skip=1`);
    expect(page.json.map((a: { name: string }) => a.name)).toEqual(["d", "c"]);
    expect((await call(own, "GET", `${ACTIONS}?limit=0`)).json).toHaveLength(5);
    expect((await call(own, "GET", `${ACTIONS}?count=true`)).json).toEqual({ actions: 5 });
    const tooMany = await call(own, "GET", `${ACTIONS}?limit=201`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error).toBe(
      "The query parameter 'limit' was malformed:\nThe value '201' is not in the range of 0 to 200 for actions.",
    );
    expect((await call(own, "GET", `${ACTIONS}?skip=-1`)).json.error).toContain(
      "The value '-1' is not greater than or equal to 0 for actions.",
    );
  });

  it("answers package bindings' refusals with the controller's statuses and texts", async () => {
    const own = mocks.mock();
    const packages = "/api/v1/namespaces/_/packages";
    const code = { exec: { kind: "nodejs:20", code: "function main(p) { return p }" } };
    await call(own, "PUT", `${packages}/lib`, { body: {} });
    await call(own, "PUT", `${ACTIONS}/lib/echo`, { body: code });
    await call(own, "PUT", `${ACTIONS}/plain`, { body: code });
    const bind = (name: string, to: string) =>
      call(own, "PUT", `${packages}/${name}?overwrite=true`, {
        body: { binding: { namespace: "_", name: to } },
      });
    expect((await bind("mine", "lib")).json.binding).toEqual({ namespace: "guest", name: "lib" });
    const cases: [Awaited<ReturnType<typeof bind>>, number, string][] = [
      [await bind("b1", "mine"), 400, "Cannot bind to another package binding."],
      [await bind("b2", "plain"), 409, "Cannot bind to a resource that is not a package."],
      [await bind("b3", "none"), 400, "Binding references a package that does not exist."],
      [
        await bind("lib", "mine"),
        409,
        "Resource is a package and cannot be converted into a binding.",
      ],
      [await bind("default", "lib"), 400, "Package name 'default' is reserved."],
      [
        await call(own, "PUT", `${ACTIONS}/mine/new`, { body: code }),
        400,
        "Operation not permitted on package binding.",
      ],
    ];
    for (const [answer, status, error] of cases) {
      expect({ status: answer.status, error: answer.json.error }).toEqual({ status, error });
    }
    const invoked = await call(own, "POST", `${ACTIONS}/mine/echo?blocking=true`, { body: {} });
    expect(invoked.json.annotations).toEqual(
      expect.arrayContaining([
        { key: "path", value: "guest/lib/echo" },
        { key: "binding", value: "guest/mine" },
      ]),
    );
    // A binding holds no actions of its own: it is deleted without force.
    expect((await call(own, "DELETE", `${packages}/mine`)).status).toBe(200);
  });
});
