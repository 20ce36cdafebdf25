import { describe, expect, it } from "vitest";
import { client, ENCODED, expectNoSecret, json, stubServer } from "../test/stub-server.js";
import { OpenWhiskHttpError, OpenWhiskProtocolError } from "./errors.js";

// The entity calls' requests and failures, against stub servers; the same calls against the real
// openwhisk-mock are held by services/wsk-computer/test/openwhisk-entities.spec.ts (this package
// cannot depend on the mock, which depends on it).
describe("OpenWhiskClient entity requests", () => {
  it("puts an action inside a package with overwrite=true, the document as body", async () => {
    const stored = { namespace: "guest/pkg", name: "act x", version: "0.0.2" };
    const stub = await stubServer((_, res) => json(res, 200, stored));
    const document = { exec: { kind: "nodejs:20", code: "function main() {}" } };
    const answer = await client(stub.url).putEntity(
      "actions",
      { namespace: "guest", packageName: "pkg", name: "act x" },
      document,
    );
    expect(answer).toEqual(stored);
    const [request] = stub.seen;
    expect(request?.method).toBe("PUT");
    expect(request?.url).toBe("/api/v1/namespaces/guest/actions/pkg/act%20x?overwrite=true");
    expect(request?.headers.authorization).toBe(`Basic ${ENCODED}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual(document);
  });

  it("gets, deletes and puts packages, triggers and rules at their collection's path", async () => {
    const stub = await stubServer((seen, res) => json(res, 200, { name: seen.url }));
    const c = client(stub.url);
    await c.getEntity("packages", { namespace: "_", name: "p" });
    await c.deleteEntity("triggers", { namespace: "guest", name: "t" });
    await c.putEntity("rules", { namespace: "guest", name: "r" }, { trigger: "t", action: "a" });
    expect(stub.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /api/v1/namespaces/_/packages/p",
      "DELETE /api/v1/namespaces/guest/triggers/t",
      "PUT /api/v1/namespaces/guest/rules/r?overwrite=true",
    ]);
    expect(stub.seen[0]?.body).toBe("");
  });

  it("refuses a package on anything but an action before sending", async () => {
    const stub = await stubServer((_, res) => json(res, 200, {}));
    await expect(
      client(stub.url).getEntity("packages", { namespace: "g", packageName: "p", name: "q" }),
    ).rejects.toThrow(TypeError);
    expect(stub.seen).toEqual([]);
  });

  it("lists every page of a collection", async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ namespace: "guest", name: `t${i}` }));
    const stub = await stubServer((seen, res) => {
      const query = new URL(seen.url, "http://x").searchParams;
      const skip = Number(query.get("skip"));
      json(res, 200, all.slice(skip, skip + Number(query.get("limit"))));
    });
    const listed = await client(stub.url).listEntities("triggers", "_", { limit: 2 });
    expect(listed).toEqual(all);
    expect(stub.seen.map((s) => s.url)).toEqual([
      "/api/v1/namespaces/_/triggers?limit=2&skip=0",
      "/api/v1/namespaces/_/triggers?limit=2&skip=2",
      "/api/v1/namespaces/_/triggers?limit=2&skip=4",
    ]);
  });

  it("lists the actions of one package below it with a trailing slash", async () => {
    const stub = await stubServer((_, res) => json(res, 200, []));
    await client(stub.url).listActions("other ns", { packageName: "p q" });
    expect(stub.seen[0]?.url).toBe("/api/v1/namespaces/other%20ns/actions/p%20q/?limit=200&skip=0");
  });

  it("reads the key's namespace", async () => {
    const stub = await stubServer((_, res) => json(res, 200, ["guest"]));
    expect(await client(stub.url).listNamespaces()).toEqual(["guest"]);
    expect(stub.seen[0]?.url).toBe("/api/v1/namespaces");
  });
});

describe("OpenWhiskClient entity failures", () => {
  it("rejects a refused PUT with the status and OpenWhisk's text, never the key", async () => {
    const body = { error: "The request content was malformed:\nexec undefined", code: "t1" };
    const stub = await stubServer((_, res) => json(res, 400, body, { "x-request-id": "t1" }));
    const error = await client(stub.url)
      .putEntity("actions", { namespace: "_", name: "a" }, {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenWhiskHttpError);
    expect(error).toMatchObject({ status: 400, body, method: "PUT", requestId: "t1" });
    expect((error as Error).message).toContain("exec undefined");
    expectNoSecret(error);
  });

  it("rejects a DELETE of an absent entity with 404", async () => {
    const body = { error: "The requested resource does not exist.", code: "t2" };
    const stub = await stubServer((_, res) => json(res, 404, body));
    await expect(
      client(stub.url).deleteEntity("packages", { namespace: "_", name: "gone" }),
    ).rejects.toMatchObject({ name: "OpenWhiskHttpError", status: 404, method: "DELETE" });
  });

  it("refuses an entity that is not a JSON object, and a listing of non-entities", async () => {
    let answer: unknown = [1, 2];
    const stub = await stubServer((_, res) => json(res, 200, answer));
    const c = client(stub.url);
    await expect(c.getEntity("rules", { namespace: "_", name: "r" })).rejects.toBeInstanceOf(
      OpenWhiskProtocolError,
    );
    answer = [{ name: "no namespace" }];
    await expect(c.listEntities("packages")).rejects.toBeInstanceOf(OpenWhiskProtocolError);
    answer = [7];
    await expect(c.listNamespaces()).rejects.toBeInstanceOf(OpenWhiskProtocolError);
  });
});
