import { create } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { GUEST_KEY, KeyRing } from "@soe/openwhisk";
import { type EdgeServer, type LambdaRequest, LambdaResponseSchema } from "@soe/proto";
import { createLogger } from "@soe/runtime";
import { beforeEach, describe, expect, it } from "vitest";
import { ActionLister } from "./action-lister.js";
import { MemoryActivationStore } from "./activation-store.js";
import { DomainInvoker } from "./domain-invoker.js";
import { createProxyApp } from "./proxy-app.js";

// The app alone, over a router that echoes its input: routing, validation and shapes. Each test
// gets its own app, router and store, so no call of one test can show up in another's record.
function echoDomain() {
  const seen: LambdaRequest[] = [];
  const client = {
    async runLambda(request: LambdaRequest) {
      seen.push(request);
      const output = request.input === '{"array":true}' ? "[1,2]" : request.input;
      return create(LambdaResponseSchema, { retcode: "OK", output, hops: 3 });
    },
  } as unknown as Client<typeof EdgeServer>;
  const logger = createLogger({ name: "test", level: "silent" });
  const store = new MemoryActivationStore();
  const lister = new ActionLister({
    source: async () => ["/guest/copy", "/guest/demo/hello", "/other/x"],
  });
  const app = createProxyApp({
    keys: new KeyRing(new Map([["guest", [GUEST_KEY]]])),
    invoker: new DomainInvoker({
      client,
      store,
      lister,
      callTimeoutMs: 1000,
      maxInFlight: 10,
      logger,
    }),
    lister,
    store,
    maxWaitMs: 60_000,
    maxBodyBytes: 1024,
    maxEntityBytes: 4096,
    logger,
  });
  return { app, seen };
}

let app: ReturnType<typeof echoDomain>["app"];
/** The requests the router got in this test. */
let seen: LambdaRequest[];
beforeEach(() => {
  ({ app, seen } = echoDomain());
});
const auth = { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` };

async function call(method: string, path: string, init: { body?: string; type?: string } = {}) {
  const res = await app.request(path, {
    method,
    headers: { ...auth, ...(init.type === undefined ? {} : { "content-type": init.type }) },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text === "" ? undefined : JSON.parse(text),
    headers: res.headers,
  };
}

describe("invoke route", () => {
  it("takes an empty query and a missing body as a non-blocking call with {}", async () => {
    const res = await call("POST", "/api/v1/namespaces/_/actions/copy?");
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ activationId: res.headers.get("x-openwhisk-activation-id") });
  });

  it("sends the fully-qualified name and the parameters to the domain", async () => {
    const res = await call(
      "POST",
      "/api/v1/namespaces/guest/actions/demo/hello?blocking=true&result=true",
      {
        body: '{"name":"x"}',
        type: "application/json",
      },
    );
    expect([res.status, res.body]).toEqual([200, { name: "x" }]);
    expect(seen[0]).toMatchObject({ name: "/guest/demo/hello", input: '{"name":"x"}', hops: 1 });
  });

  it("answers bare array results whatever `result` says", async () => {
    const json = { body: '{"array":true}', type: "application/json" };
    const res = await call("POST", "/api/v1/namespaces/_/actions/copy?blocking=true", json);
    expect([res.status, res.body]).toEqual([200, [1, 2]]);
  });

  it("refuses bad queries, bodies and names with OpenWhisk's statuses", async () => {
    const json = { body: "{}", type: "application/json" };
    expect(
      (await call("POST", "/api/v1/namespaces/_/actions/copy?blocking=yes", json)).status,
    ).toBe(400);
    expect((await call("POST", "/api/v1/namespaces/_/actions/copy?result=1", json)).status).toBe(
      400,
    );
    expect(
      (await call("POST", "/api/v1/namespaces/_/actions/copy?timeout=60001", json)).status,
    ).toBe(400);
    expect(
      (
        await call("POST", "/api/v1/namespaces/_/actions/copy", {
          body: "{",
          type: "application/json",
        })
      ).status,
    ).toBe(400);
    expect(
      (await call("POST", "/api/v1/namespaces/_/actions/copy", { body: "a", type: "text/plain" }))
        .status,
    ).toBe(415);
    expect(
      (
        await call("POST", "/api/v1/namespaces/_/actions/copy", {
          body: "x".repeat(2000),
          type: "application/json",
        })
      ).status,
    ).toBe(413);
    expect((await call("POST", "/api/v1/namespaces/_/actions/a%2Fb", json)).body.error).toBe(
      "The name of the entity contains illegal characters.",
    );
  });

  it("answers 404 at once for a non-blocking call to an action the domain does not offer", async () => {
    expect((await call("POST", "/api/v1/namespaces/_/actions/nope")).status).toBe(404);
    expect(seen).toEqual([]);
  });
});

describe("other routes", () => {
  it("answers 501 for what the domain cannot do, 405 for methods no route has", async () => {
    for (const [method, path] of [
      ["POST", "/api/v1/namespaces/_/triggers/t"],
      ["PUT", "/api/v1/namespaces/_/rules/r"],
      ["GET", "/api/v1/namespaces/_/limits"],
      ["GET", "/api/v1/web/guest/default/copy.json"],
    ] as const) {
      const res = await call(method, path);
      expect([res.status, typeof res.body.error, typeof res.body.code]).toEqual([
        501,
        "string",
        "string",
      ]);
    }
    expect((await call("PUT", "/api/v1/namespaces/_/triggers/t")).body.error).toBe(
      "Triggers are not deployed through the edge domain: create them on each OpenWhisk installation.",
    );
    const patch = await call("PATCH", "/api/v1/namespaces/_/actions/copy");
    expect([patch.status, patch.body.error]).toEqual([
      405,
      "HTTP method not allowed, supported methods: GET, PUT, DELETE, POST",
    ]);
    expect((await call("POST", "/api/v1/namespaces/_/activations")).status).toBe(405);
    expect((await call("POST", "/api/v1/namespaces/_/packages")).status).toBe(405);
  });

  it("refuses changes with 501 without a controller, and lists nothing it cannot know", async () => {
    for (const [method, path] of [
      ["PUT", "/api/v1/namespaces/_/actions/copy"],
      ["DELETE", "/api/v1/namespaces/_/actions/demo/hello"],
      ["PUT", "/api/v1/namespaces/_/packages/tools"],
      ["DELETE", "/api/v1/namespaces/_/packages/tools"],
    ] as const) {
      const res = await call(method, path, { body: "{}", type: "application/json" });
      expect([res.status, res.body.error]).toEqual([
        501,
        "Deploying needs the edge domain's controller: wskproxy was started without --controller-endpoint.",
      ]);
    }
    // Names and rights are checked first, as for every route.
    expect((await call("PUT", "/api/v1/namespaces/other/actions/x")).status).toBe(403);
    expect((await call("GET", "/api/v1/namespaces/_/packages")).body).toEqual([]);
    expect((await call("GET", "/api/v1/namespaces/_/triggers?count=true")).body).toEqual({
      triggers: 0,
    });
    expect((await call("GET", "/api/v1/namespaces/_/rules?limit=201")).status).toBe(400);
    expect((await call("GET", "/api/v1/namespaces/_/packages/tools")).status).toBe(404);
  });

  it("refuses an entity document over its own limit, larger than an invocation's", async () => {
    const json = (size: number) => ({
      body: `{"a":"${"x".repeat(size)}"}`,
      type: "application/json",
    });
    expect((await call("PUT", "/api/v1/namespaces/_/actions/big", json(5000))).body.error).toBe(
      "Request larger than allowed: 5008 > 4096 bytes.",
    );
    // Over the invocation limit (1024) but within the entity limit: past the body check.
    expect((await call("PUT", "/api/v1/namespaces/_/packages/big", json(2000))).status).toBe(501);
  });

  it("answers GET of a namespace as OpenWhisk does: no such route", async () => {
    // apache/openwhisk Namespaces.scala serves `namespaces[/]` only; `wsk namespace get` lists
    // each collection itself.
    expect((await call("GET", "/api/v1/namespaces/_")).body.error).toBe(
      "The requested resource could not be found.",
    );
  });

  it("answers unknown paths with OpenWhisk's 404, authenticated or not", async () => {
    expect((await call("GET", "/api/v2/x")).body.error).toBe(
      "The requested resource could not be found.",
    );
    expect((await app.request("/nowhere")).status).toBe(404);
  });

  it("needs credentials under /api/v1/namespaces, and none for /api/v1 and OPTIONS", async () => {
    expect((await app.request("/api/v1/namespaces/_/actions")).status).toBe(401);
    expect((await app.request("/api/v1/namespaces/_/packages")).status).toBe(401);
    expect((await app.request("/api/v1")).status).toBe(200);
    expect((await app.request("/api/v1/namespaces/_/actions", { method: "OPTIONS" })).status).toBe(
      200,
    );
  });

  it("lists only the key's namespace's actions, and refuses others", async () => {
    const list = await call("GET", "/api/v1/namespaces/_/actions?limit=0");
    expect(list.body.map((a: { name: string }) => a.name).sort()).toEqual(["copy", "hello"]);
    expect((await call("GET", "/api/v1/namespaces/other/actions")).status).toBe(403);
    expect((await call("GET", "/api/v1/namespaces/_/actions?skip=-1")).status).toBe(400);
    expect((await call("GET", "/api/v1/namespaces/_/actions/copy?code=maybe")).status).toBe(400);
  });

  it("checks activation ids and the count/docs rule", async () => {
    expect((await call("GET", "/api/v1/namespaces/_/activations/xyz")).body.error).toBe(
      "Activation id length is 3 but must be 32.",
    );
    expect(
      (await call("GET", `/api/v1/namespaces/_/activations/${"g".repeat(32)}`)).body.error,
    ).toBe("The activation id is not valid.");
    expect(
      (await call("GET", "/api/v1/namespaces/_/activations?count=true&docs=true")).body.error,
    ).toBe("The parameter 'docs' is not permitted with 'count'.");
    expect((await call("GET", "/api/v1/namespaces/other/activations")).status).toBe(403);
  });
});
