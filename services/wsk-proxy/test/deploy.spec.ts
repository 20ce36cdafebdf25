import { type ControllerServer, createControllerServer } from "@soe/controller";
import { GUEST_KEY } from "@soe/openwhisk";
import type { RunningOpenWhiskMock } from "@soe/openwhisk-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxyServer, type ProxyServer } from "../src/proxy-server.js";
import { quietLogger, startDomain, type TestDomain } from "./support/domain.js";

// Deploying through the proxy (issue 10) with requests shaped as the wsk CLI sends them
// (openwhisk-client-go: PUT with `?overwrite=`, the body a JSON Action/Package with its name and
// namespace, which the server ignores): a real controller keeps the desired state and applies
// it, through two real wsk-computers, to two openwhisk-mocks, asked directly afterwards.
let domain: TestDomain;
beforeAll(async () => {
  domain = await startDomain({ routerAnnounced: true });
}, 30_000);
afterAll(() => domain?.close());

const cliHeaders = {
  authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
  "user-agent": "OpenWhisk-CLI/1.0 (2024-03-27T00:00:00.000+00:00) linux amd64",
};

interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  readonly body: any;
}

async function send(base: string, method: string, path: string, body?: unknown): Promise<Exchange> {
  const res = await fetch(base + path, {
    method,
    headers:
      body === undefined ? cliHeaders : { ...cliHeaders, "content-type": "application/json" },
    // json.Encoder's output: the JSON and a newline.
    ...(body === undefined ? {} : { body: `${JSON.stringify(body)}\n` }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === "" ? undefined : JSON.parse(text),
  };
}

const proxy = (method: string, path: string, body?: unknown) =>
  send(domain.proxy.url, method, path, body);

/** What one OpenWhisk holds, asked with its own key, bypassing the domain. */
const direct = (mock: RunningOpenWhiskMock | undefined, path: string) =>
  send(mock?.url ?? "", "GET", path);

const greet = (word: string) =>
  `function main(p) { return { text: "${word} " + (p.name || "world") }; }`;

describe("wsk action create / update / get / delete", () => {
  it("creates an action on every installation and answers OpenWhisk's description", async () => {
    const res = await proxy("PUT", "/api/v1/namespaces/_/actions/hello?overwrite=false", {
      namespace: "_",
      name: "hello",
      exec: { kind: "nodejs:20", code: greet("hello") },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-soe-applied")).toBe("2/2");
    expect(res.headers.get("x-soe-routes-ready")).toBe("true");
    expect(res.body).toMatchObject({
      namespace: "guest",
      name: "hello",
      version: "0.0.1",
      publish: false,
      exec: { kind: "nodejs:20", code: greet("hello"), binary: false },
      parameters: [],
      limits: { timeout: 60_000, memory: 256, logs: 10, concurrency: 1 },
      annotations: [{ key: "exec", value: "nodejs:20" }],
    });
    expect(typeof res.body.updated).toBe("number");
    for (const mock of domain.mocks) {
      const held = await direct(mock, "/api/v1/namespaces/_/actions/hello");
      expect([held.status, held.body.exec.code]).toEqual([200, greet("hello")]);
    }
    // Read-your-writes: the routes are in place when the create answers.
    const run = await proxy(
      "POST",
      "/api/v1/namespaces/_/actions/hello?blocking=true&result=true",
      { name: "edge" },
    );
    expect([run.status, run.body]).toEqual([200, { text: "hello edge" }]);
  });

  it("refuses to create it again without overwrite: 409 as OpenWhisk", async () => {
    const res = await proxy("PUT", "/api/v1/namespaces/_/actions/hello?overwrite=false", {
      exec: { kind: "nodejs:20", code: greet("again") },
    });
    expect([res.status, res.body.error, typeof res.body.code]).toEqual([
      409,
      "resource already exists",
      "string",
    ]);
  });

  it("updates with only what changed, keeping the rest (wsk action update --param)", async () => {
    const res = await proxy("PUT", "/api/v1/namespaces/_/actions/hello?overwrite=true", {
      namespace: "_",
      name: "hello",
      parameters: [{ key: "name", value: "default" }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: "0.0.2",
      exec: { code: greet("hello") },
      parameters: [{ key: "name", value: "default" }],
    });
    const run = await proxy(
      "POST",
      "/api/v1/namespaces/_/actions/hello?blocking=true&result=true",
      {},
    );
    expect(run.body).toEqual({ text: "hello default" });
    const got = await proxy("GET", "/api/v1/namespaces/_/actions/hello?code=false");
    expect(got.status).toBe(200);
    expect(got.body.exec).toEqual({ kind: "nodejs:20", binary: false });
    expect(got.body.version).toBe("0.0.2");
  });

  it("lists deployed actions with what the domain knows, beside the announced ones", async () => {
    const res = await proxy("GET", "/api/v1/namespaces/_/actions?limit=30&skip=0");
    expect(res.status).toBe(200);
    const byName = new Map(
      res.body.map((a: { namespace: string; name: string }) => [`${a.namespace}/${a.name}`, a]),
    );
    expect(byName.get("guest/hello")).toMatchObject({ version: "0.0.2" });
    // Installed on the OpenWhisks directly, announced by the computers: known by name only.
    expect(byName.get("guest/copy")).toMatchObject({ version: "0.0.1" });
    const counted = await proxy("GET", "/api/v1/namespaces/_/actions?count=true");
    expect(counted.body).toEqual({ actions: res.body.length });
  });

  it("creates a sequence with `_` in its components resolved, as OpenWhisk stores it", async () => {
    // wsk action create both --sequence echo,copy
    const res = await proxy("PUT", "/api/v1/namespaces/_/actions/both?overwrite=false", {
      namespace: "_",
      name: "both",
      exec: { kind: "sequence", components: ["/_/echo", "/_/copy"] },
    });
    expect([res.status, res.body.exec]).toEqual([
      200,
      { kind: "sequence", components: ["/guest/echo", "/guest/copy"], binary: false },
    ]);
    // The proxy runs the domain's sequences (issue 11): no installation holds one.
    const held = await direct(domain.mocks[0], "/api/v1/namespaces/_/actions/both");
    expect(held.status).toBe(404);
    const run = await proxy("POST", "/api/v1/namespaces/_/actions/both?blocking=true&result=true", {
      input: "through",
    });
    expect([run.status, run.body]).toEqual([200, { payload: "through" }]);
  });

  it("refuses bad names, bodies and namespaces as OpenWhisk does", async () => {
    const limits = await proxy("PUT", "/api/v1/namespaces/_/actions/slow", {
      exec: { kind: "nodejs:20", code: greet("x") },
      limits: { timeout: 1 },
    });
    expect([limits.status, limits.body.error]).toEqual([
      400,
      "duration 1 milliseconds below allowed threshold of 100 milliseconds",
    ]);
    const noExec = await proxy("PUT", "/api/v1/namespaces/_/actions/empty", { parameters: [] });
    expect([noExec.status, noExec.body.error]).toEqual([
      400,
      "The request content was malformed:\nexec undefined",
    ]);
    const name = await proxy("PUT", "/api/v1/namespaces/_/actions/bad%20name%20", {});
    expect([name.status, name.body.error]).toEqual([
      400,
      "The name of the entity contains illegal characters.",
    ]);
    const other = await proxy("PUT", "/api/v1/namespaces/other/actions/x", {});
    expect([other.status, other.body.error]).toEqual([
      403,
      "The supplied authentication is not authorized to access 'other/x'.",
    ]);
    const noPackage = await proxy("PUT", "/api/v1/namespaces/_/actions/nopkg/x", {
      exec: { kind: "nodejs:20", code: greet("x") },
    });
    expect([noPackage.status, noPackage.body.error]).toEqual([
      404,
      "The requested resource does not exist.",
    ]);
  });

  it("deletes it everywhere, answering the action as it was; then 404", async () => {
    const res = await proxy("DELETE", "/api/v1/namespaces/_/actions/hello");
    expect([res.status, res.body.name, res.body.version]).toEqual([200, "hello", "0.0.2"]);
    for (const mock of domain.mocks) {
      expect((await direct(mock, "/api/v1/namespaces/_/actions/hello")).status).toBe(404);
    }
    expect((await proxy("GET", "/api/v1/namespaces/_/actions/hello")).status).toBe(404);
    const listed = await proxy("GET", "/api/v1/namespaces/_/actions");
    const names = listed.body.map(
      (a: { namespace: string; name: string }) => `${a.namespace}/${a.name}`,
    );
    expect(names).not.toContain("guest/hello");
    expect(names).toContain("guest/demo/hello");
    expect((await proxy("DELETE", "/api/v1/namespaces/_/actions/hello")).status).toBe(404);
  });

  it("does not remove an action the domain did not deploy: 409, saying why", async () => {
    const res = await proxy("DELETE", "/api/v1/namespaces/_/actions/copy");
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/not deployed through the edge domain/);
    expect((await direct(domain.mocks[0], "/api/v1/namespaces/_/actions/copy")).status).toBe(200);
  });
});

describe("wsk package create / bind / get / delete", () => {
  it("creates a package, puts an action in it, and lists both", async () => {
    const pkg = await proxy("PUT", "/api/v1/namespaces/_/packages/tools?overwrite=false", {
      namespace: "_",
      name: "tools",
      parameters: [{ key: "name", value: "package" }],
    });
    expect([pkg.status, pkg.headers.get("x-soe-applied")]).toEqual([200, "2/2"]);
    expect(pkg.body).toMatchObject({
      namespace: "guest",
      name: "tools",
      version: "0.0.1",
      binding: {},
      parameters: [{ key: "name", value: "package" }],
    });
    const action = await proxy("PUT", "/api/v1/namespaces/_/actions/tools/greet?overwrite=false", {
      exec: { kind: "nodejs:20", code: greet("hi") },
    });
    expect([action.status, action.body.namespace]).toEqual([200, "guest/tools"]);
    const run = await proxy(
      "POST",
      "/api/v1/namespaces/_/actions/tools/greet?blocking=true&result=true",
      {},
    );
    expect(run.body).toEqual({ text: "hi package" });

    const greetPath = "/api/v1/namespaces/_/actions/tools/greet?code=false";
    const described = await proxy("GET", greetPath);
    expect(described.body.parameters).toEqual([{ key: "name", value: "package" }]);
    expect(described.body.parameters).toEqual(
      (await direct(domain.mocks[0], greetPath)).body.parameters,
    );
    const got = await proxy("GET", "/api/v1/namespaces/_/packages/tools");
    expect(got.body.actions).toEqual([
      { name: "greet", version: "0.0.1", annotations: [{ key: "exec", value: "nodejs:20" }] },
    ]);
    const inPackage = await proxy("GET", "/api/v1/namespaces/_/actions/tools/?limit=30&skip=0");
    expect(inPackage.body.map((a: { name: string }) => a.name)).toEqual(["greet"]);
    const listed = await proxy("GET", "/api/v1/namespaces/_/packages?limit=30&skip=0");
    const names = listed.body.map((p: { name: string }) => p.name);
    // `demo` was created on the installations directly: the domain lists it too.
    expect(names).toEqual(expect.arrayContaining(["tools", "demo"]));
    expect(listed.body.find((p: { name: string }) => p.name === "tools")).not.toHaveProperty(
      "parameters",
    );
  });

  it("binds a package of the domain, `_` resolved; refuses a missing one and a binding's actions", async () => {
    const bound = await proxy("PUT", "/api/v1/namespaces/_/packages/mine?overwrite=false", {
      namespace: "_",
      name: "mine",
      binding: { namespace: "_", name: "tools" },
      parameters: [{ key: "name", value: "binding" }],
    });
    expect([bound.status, bound.body.binding]).toEqual([
      200,
      { namespace: "guest", name: "tools" },
    ]);
    const got = await proxy("GET", "/api/v1/namespaces/_/packages/mine");
    expect(got.body.actions.map((a: { name: string }) => a.name)).toEqual(["greet"]);
    expect(got.body.parameters).toEqual([{ key: "name", value: "binding" }]);
    const run = await proxy(
      "POST",
      "/api/v1/namespaces/_/actions/mine/greet?blocking=true&result=true",
      {},
    );
    expect(run.body).toEqual({ text: "hi binding" });
    // GET through the binding: the bound package's action, its parameters under the binding's,
    // as the OpenWhisk asked directly answers.
    const path = "/api/v1/namespaces/_/actions/mine/greet?code=false";
    const [viaDomain, held] = [await proxy("GET", path), await direct(domain.mocks[0], path)];
    expect(viaDomain.body.parameters).toEqual([{ key: "name", value: "binding" }]);
    expect([viaDomain.body.namespace, viaDomain.body.parameters]).toEqual([
      held.body.namespace,
      held.body.parameters,
    ]);

    const clash = await proxy("PUT", "/api/v1/namespaces/_/actions/mine", {
      exec: { kind: "nodejs:20", code: greet("x") },
    });
    expect([clash.status, clash.body.error]).toEqual([
      409,
      "Resource by this name exists but is not in this collection.",
    ]);
    const missing = await proxy("PUT", "/api/v1/namespaces/_/packages/dangling", {
      binding: { namespace: "guest", name: "nothing" },
    });
    expect([missing.status, missing.body.error]).toEqual([
      400,
      "Binding references a package that does not exist.",
    ]);
    const inBinding = await proxy("PUT", "/api/v1/namespaces/_/actions/mine/x", {
      exec: { kind: "nodejs:20", code: greet("x") },
    });
    expect([inBinding.status, inBinding.body.error]).toEqual([
      400,
      "Operation not permitted on package binding.",
    ]);
    const becomes = await proxy("PUT", "/api/v1/namespaces/_/packages/tools?overwrite=true", {
      binding: { namespace: "guest", name: "mine" },
    });
    expect(becomes.status).toBe(409);
    expect((await proxy("DELETE", "/api/v1/namespaces/_/packages/mine")).status).toBe(200);
  });

  it("refuses to delete a package holding actions unless forced, with OpenWhisk's text", async () => {
    const refused = await proxy("DELETE", "/api/v1/namespaces/_/packages/tools");
    expect([refused.status, refused.body.error]).toEqual([
      409,
      "Package not empty (contains 1 entity). Set force param or delete package contents.",
    ]);
    const forced = await proxy("DELETE", "/api/v1/namespaces/_/packages/tools?force=true");
    expect([forced.status, forced.body.name]).toEqual([200, "tools"]);
    for (const mock of domain.mocks) {
      expect((await direct(mock, "/api/v1/namespaces/_/packages/tools")).status).toBe(404);
      expect((await direct(mock, "/api/v1/namespaces/_/actions/tools/greet")).status).toBe(404);
    }
    expect((await proxy("GET", "/api/v1/namespaces/_/packages/tools")).status).toBe(404);
  });
});

describe("triggers and rules", () => {
  it("lists what the installations hold, and does not deploy them", async () => {
    const triggers = await proxy("GET", "/api/v1/namespaces/_/triggers?limit=30&skip=0");
    expect([triggers.status, Array.isArray(triggers.body)]).toEqual([200, true]);
    const rules = await proxy("GET", "/api/v1/namespaces/_/rules?count=true");
    expect(rules.status).toBe(200);
    expect(typeof rules.body.rules).toBe("number");
    const put = await proxy("PUT", "/api/v1/namespaces/_/triggers/t?overwrite=false", {});
    expect([put.status, put.body.error]).toEqual([
      501,
      "Triggers are not deployed through the edge domain: create them on each OpenWhisk installation.",
    ]);
  });
});

// Last in this file: it stops one of the domain's OpenWhisks.
describe("an installation down during a change", () => {
  it("answers 502 with how far it went; the domain keeps the change and serves it where it can", async () => {
    await domain.mocks[1]?.close();
    const res = await proxy("PUT", "/api/v1/namespaces/_/actions/while-down", {
      exec: { kind: "nodejs:20", code: greet("down") },
    });
    expect(res.status).toBe(502);
    expect(res.headers.get("x-soe-applied")).toBe("1/2");
    expect(res.body.error).toMatch(
      /^The entity was applied on 1 of 2 installations; the domain keeps retrying the others\. /,
    );
    expect(typeof res.body.code).toBe("string");
    expect(res.body.error).not.toContain(GUEST_KEY.split(":")[1]);
    const got = await proxy("GET", "/api/v1/namespaces/_/actions/while-down");
    expect([got.status, got.body.version]).toEqual([200, "0.0.1"]);
    expect((await direct(domain.mocks[0], "/api/v1/namespaces/_/actions/while-down")).status).toBe(
      200,
    );
  });
});

describe("a controller alone", () => {
  const TOKEN = "deploy-spec-token";
  let controller: ControllerServer;
  let proxies: ProxyServer[] = [];
  beforeAll(async () => {
    controller = await createControllerServer({
      serverEndpoint: "127.0.0.1:0",
      leaseTtlMs: 0,
      token: TOKEN,
      logger: quietLogger,
    });
    const start = (token: string) =>
      createProxyServer({
        // Nothing is invoked here: the router end-point is never dialled.
        serverEndpoint: "127.0.0.1:9",
        controllerEndpoint: controller.endpoint,
        token,
        logger: quietLogger,
      });
    proxies = [await start(TOKEN), await start("not-the-token")];
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await controller?.close();
  });

  it("keeps an action no installation serves yet: 200, x-soe-applied 0/0", async () => {
    const url = proxies[0]?.url ?? "";
    const res = await send(url, "PUT", "/api/v1/namespaces/_/actions/nowhere", {
      exec: { kind: "nodejs:20", code: greet("x") },
    });
    expect([res.status, res.headers.get("x-soe-applied"), res.body.name]).toEqual([
      200,
      "0/0",
      "nowhere",
    ]);
    const listed = await send(url, "GET", "/api/v1/namespaces/_/actions");
    expect(listed.body.map((a: { name: string }) => a.name)).toEqual(["nowhere"]);
    expect((await send(url, "DELETE", "/api/v1/namespaces/_/actions/nowhere")).status).toBe(200);
  });

  it("answers 500, not the client's fault, when the proxy's token is refused", async () => {
    const res = await send(proxies[1]?.url ?? "", "PUT", "/api/v1/namespaces/_/actions/x", {
      exec: { kind: "nodejs:20", code: greet("x") },
    });
    expect([res.status, res.body.error]).toEqual([500, "There was an internal server error."]);
    // Reads do without the domain's state, as before deployments existed.
    const listed = await send(proxies[1]?.url ?? "", "GET", "/api/v1/namespaces/_/actions");
    expect([listed.status, listed.body]).toEqual([200, []]);
  });
});
