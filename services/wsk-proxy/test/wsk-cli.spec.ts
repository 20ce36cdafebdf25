import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUEST_KEY, startDomain, type TestDomain } from "./support/domain.js";
import { comparable } from "./support/outcomes.js";

// Requests shaped as the wsk CLI (openwhisk-cli + openwhisk-client-go) sends them
// (openwhisk-api.md §5.1), to the proxy and to an openwhisk-mock: same statuses, same bodies.
let domain: TestDomain;
beforeAll(async () => {
  domain = await startDomain();
});
afterAll(() => domain?.close());

const cliHeaders = {
  authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
  "user-agent": "OpenWhisk-CLI/1.0 (2024-03-27T00:00:00.000+00:00) linux amd64",
};

interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function send(
  base: string,
  method: string,
  path: string,
  params?: unknown,
): Promise<Exchange> {
  const res = await fetch(base + path, {
    method,
    headers:
      params === undefined ? cliHeaders : { ...cliHeaders, "content-type": "application/json" },
    // json.Encoder's output: the JSON and a newline.
    ...(params === undefined ? {} : { body: `${JSON.stringify(params)}\n` }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === "" ? undefined : JSON.parse(text),
  };
}

/** The request to the proxy and to the first mock; they must agree. Returns the proxy's answer. */
async function same(method: string, path: string, params?: unknown): Promise<Exchange> {
  const proxied = await send(domain.proxy.url, method, path, params);
  const straight = await send(domain.mocks[0]?.url ?? "", method, path, params);
  expect([proxied.status, comparable(proxied.body)]).toEqual([
    straight.status,
    comparable(straight.body),
  ]);
  expect(proxied.headers.get("content-type")).toMatch(/^application\/json/);
  expect(proxied.headers.get("x-request-id")).toBeTruthy();
  expect(proxied.headers.has("x-openwhisk-activation-id")).toBe(
    straight.headers.has("x-openwhisk-activation-id"),
  );
  return proxied;
}

describe("wsk action invoke", () => {
  it("-b -r: the result, with the activation id header", async () => {
    const res = await same("POST", "/api/v1/namespaces/_/actions/copy?blocking=true&result=true", {
      input: "hello",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ payload: "hello" });
    expect(res.headers.get("x-openwhisk-activation-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("-b: the record, whose response.success the Go client checks", async () => {
    const res = await same("POST", "/api/v1/namespaces/_/actions/echo?blocking=true&result=false", {
      n: 5,
    });
    expect(res.body).toMatchObject({ response: { success: true, result: { n: 5 } } });
  });

  it("no flag: 202 with the activation id, which the activation endpoints then serve", async () => {
    const res = await same(
      "POST",
      "/api/v1/namespaces/_/actions/copy?blocking=false&result=false",
      {},
    );
    const { activationId } = res.body as { activationId: string };
    expect(res.status).toBe(202);
    expect(res.headers.get("x-openwhisk-activation-id")).toBe(activationId);
    let got = await send(
      domain.proxy.url,
      "GET",
      `/api/v1/namespaces/_/activations/${activationId}`,
    );
    for (let i = 0; got.status === 404 && i < 300; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      got = await send(domain.proxy.url, "GET", `/api/v1/namespaces/_/activations/${activationId}`);
    }
    expect(got).toMatchObject({
      status: 200,
      body: { activationId, response: { result: { payload: "" } } },
    });
    const result = await send(
      domain.proxy.url,
      "GET",
      `/api/v1/namespaces/_/activations/${activationId}/result`,
    );
    expect(result.body).toEqual((got.body as { response: unknown }).response);
    const logs = await send(
      domain.proxy.url,
      "GET",
      `/api/v1/namespaces/_/activations/${activationId}/logs`,
    );
    expect(logs.body).toEqual({ logs: [] });
  });

  it("a fully qualified packaged action, the namespace inserted raw", async () => {
    const res = await same(
      "POST",
      "/api/v1/namespaces/guest/actions/demo/hello?blocking=true&result=true",
      {
        name: "CLI",
      },
    );
    expect(res.body).toEqual({ greeting: "Hello CLI" });
  });

  it("-r on a failing action: 502 with the bare result (the CLI prints it to stderr)", async () => {
    const res = await same(
      "POST",
      "/api/v1/namespaces/_/actions/fail?blocking=true&result=true",
      {},
    );
    expect([res.status, res.body]).toEqual([502, { error: "this action always fails" }]);
  });

  it("errors carry both error and code, which the Go client needs to show the server's text", async () => {
    const cases: Array<[string, string, number]> = [
      ["POST", "/api/v1/namespaces/_/actions/no%20such?blocking=true&result=true", 404],
      ["POST", "/api/v1/namespaces/other/actions/copy?blocking=true&result=true", 403],
      ["POST", "/api/v1/namespaces/_/actions/copy?blocking=maybe&result=true", 400],
      ["POST", "/api/v1/namespaces/_/actions/copy?blocking=true&result=true&timeout=0", 400],
      ["GET", "/api/v1/namespaces/_/actions?limit=abc&skip=0", 400],
    ];
    for (const [method, path, status] of cases) {
      const res = await same(method, path, method === "POST" ? {} : undefined);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: expect.any(String), code: expect.any(String) });
    }
  });
});

describe("wsk action list and activation commands", () => {
  it("lists actions, and one package's with the trailing slash", async () => {
    const all = await send(domain.proxy.url, "GET", "/api/v1/namespaces/_/actions?limit=30&skip=0");
    const names = (all.body as { namespace: string; name: string }[]).map(
      (a) => `/${a.namespace}/${a.name}`,
    );
    expect(names.sort()).toEqual([
      "/guest/copy",
      "/guest/crash",
      "/guest/demo/hello",
      "/guest/echo",
      "/guest/fail",
      "/guest/sleep",
    ]);
    const pkg = await same("GET", "/api/v1/namespaces/_/actions/demo/?limit=30&skip=0");
    expect(pkg.body).toMatchObject([{ namespace: "guest/demo", name: "hello" }]);
  });

  it("lists activations with the CLI's paging", async () => {
    await send(
      domain.proxy.url,
      "POST",
      "/api/v1/namespaces/_/actions/copy?blocking=true&result=true",
      {},
    );
    const res = await send(
      domain.proxy.url,
      "GET",
      "/api/v1/namespaces/_/activations?limit=30&skip=0",
    );
    expect(res.status).toBe(200);
    expect((res.body as unknown[]).length).toBeGreaterThan(0);
  });

  it("wsk namespace list and wsk property get --apibuild", async () => {
    expect((await same("GET", "/api/v1/namespaces")).body).toEqual(["guest"]);
    const info = await send(domain.proxy.url, "GET", "/api/v1");
    expect(info.body).toMatchObject({ api_version: "1.0.0", api_version_path: "v1" });
  });
});
