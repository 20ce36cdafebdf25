import { request } from "node:http";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import { EdgeRouter, EdgeRouterConf_Action } from "@soe/proto";
import { createRouterServer } from "@soe/router";
import { createLogger, createTransport } from "@soe/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { createProxyServer } from "../src/proxy-server.js";
import { closedEndpoint, startBlackHole } from "./support/black-hole.js";
import {
  GUEST_KEY,
  installRoutes,
  quietLogger,
  startDomain,
  type TestDomain,
} from "./support/domain.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function domainWith(options: Parameters<typeof startDomain>[0] = {}): Promise<TestDomain> {
  const domain = await startDomain(options);
  cleanups.push(() => domain.close());
  return domain;
}

const auth = { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` };

async function invoke(base: string, action: string, query: string, params: unknown = {}) {
  const res = await fetch(`${base}/api/v1/namespaces/_/actions/${action}?${query}`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

async function getJson(url: string) {
  const res = await fetch(url, { headers: auth });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls an activation until the proxy has it; bounded by attempts. */
async function activation(base: string, id: string) {
  for (let i = 0; i < 500; i++) {
    const got = await getJson(`${base}/api/v1/namespaces/_/activations/${id}`);
    if (got.status !== 404) return got;
    await sleep(10);
  }
  throw new Error(`activation ${id} never stored`);
}

describe("the edge domain failing, as OpenWhisk clients see it", () => {
  it("503 when the router cannot be reached", async () => {
    const proxy = await createProxyServer({
      serverEndpoint: await closedEndpoint(),
      logger: quietLogger,
    });
    cleanups.push(() => proxy.close());
    const res = await invoke(proxy.url, "copy", "blocking=true");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error:
        "The server is currently unavailable (because it is overloaded or down for maintenance).",
      code: res.headers.get("x-request-id"),
    });
  });

  it("504 when the domain does not answer in time", async () => {
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const router = await createRouterServer({
      serverEndpoint: "127.0.0.1:0",
      configurationEndpoint: "127.0.0.1:0",
      timeoutMs: 200,
      logger: quietLogger,
    });
    cleanups.push(() => router.close());
    await installRoutes(router.configurationEndpoint, "/guest/copy", [hole.endpoint]);
    const proxy = await createProxyServer({
      serverEndpoint: router.serverEndpoint,
      logger: quietLogger,
    });
    cleanups.push(() => proxy.close());
    const res = await invoke(proxy.url, "copy", "blocking=true&result=true");
    expect([res.status, res.body.error]).toEqual([504, "The edge domain did not answer in time."]);
  });

  it("404 for an action nothing offers, 503 for one offered but not routed", async () => {
    const domain = await domainWith();
    const [first, second] = domain.computers.map((c) => c.serverEndpoint);
    // Take /guest/sleep out of the router: the controller still lists it.
    const transport = createTransport(domain.router.configurationEndpoint);
    for (const destination of [first, second]) {
      await createClient(EdgeRouter, transport).configure({
        action: EdgeRouterConf_Action.REMOVE,
        lambda: "/guest/sleep",
        destination: destination ?? "",
      });
    }
    transport.close();
    expect((await invoke(domain.proxy.url, "sleep", "blocking=true")).status).toBe(503);
    expect((await invoke(domain.proxy.url, "nothing", "blocking=true")).status).toBe(404);
  });

  it("lists nothing but still invokes while the controller is down (503 on listings)", async () => {
    const domain = await domainWith({ proxy: { listingCacheMs: 0 } });
    await domain.controller.close();
    const list = await getJson(`${domain.proxy.url}/api/v1/namespaces/_/actions`);
    expect(list.status).toBe(503);
    expect(
      (await invoke(domain.proxy.url, "copy", "blocking=true&result=true", { input: "x" })).body,
    ).toEqual({
      payload: "x",
    });
  });
});

describe("waits, background calls and bounds", () => {
  it("answers 202 when a blocking call outlasts the wait, and stores the activation when it ends", async () => {
    const domain = await domainWith({ proxy: { maxWaitMs: 200 } });
    const res = await invoke(domain.proxy.url, "sleep", "blocking=true&result=true", { ms: 800 });
    expect(res.status).toBe(202);
    const id = res.body.activationId as string;
    expect(res.headers.get("x-openwhisk-activation-id")).toBe(id);
    const got = await activation(domain.proxy.url, id);
    expect(got.body).toMatchObject({
      activationId: id,
      response: { status: "success", result: { slept: 800 } },
    });
  });

  it("honours a shorter timeout query the same way", async () => {
    const domain = await domainWith();
    const res = await invoke(domain.proxy.url, "sleep", "blocking=true&timeout=100", { ms: 600 });
    expect(res.status).toBe(202);
  });

  it("answers 202 when the OpenWhisk behind the domain itself answered 202, and GET gives the record once it ends", async () => {
    const domain = await domainWith({ computerTimeoutMs: 50 });
    const res = await invoke(domain.proxy.url, "sleep", "blocking=true", { ms: 1000 });
    expect(res.status).toBe(202);
    const id = res.body.activationId as string;
    expect(res.body).toEqual({ activationId: res.headers.get("x-openwhisk-activation-id") });
    // Completed from the installation that ran it (test/accepted-activation.spec.ts has more).
    const got = await activation(domain.proxy.url, id);
    expect(got.body).toMatchObject({
      activationId: id,
      response: { status: "success", result: { slept: 1000 } },
    });
  });

  it("refuses with 429 beyond --max-in-flight", async () => {
    const domain = await domainWith({ proxy: { maxInFlight: 1 } });
    const first = await invoke(domain.proxy.url, "sleep", "blocking=false", { ms: 500 });
    expect(first.status).toBe(202);
    const second = await invoke(domain.proxy.url, "copy", "blocking=true");
    expect([second.status, second.body.error]).toEqual([
      429,
      "Too many concurrent requests in flight (count: 1, allowed: 1).",
    ]);
  });

  it("lets background calls finish on close, their activations stored", async () => {
    const domain = await domainWith({ proxy: { drainTimeoutMs: 5_000 } });
    const res = await invoke(domain.proxy.url, "sleep", "blocking=false", { ms: 300 });
    await domain.proxy.close();
    const record = await domain.proxy.store.get("guest", res.body.activationId as string);
    expect(record?.response).toMatchObject({ status: "success", result: { slept: 300 } });
  });

  it("refuses a 2 MiB body with 413 and goes on serving", async () => {
    const domain = await domainWith();
    const big = JSON.stringify({ input: "x".repeat(2 * 1024 * 1024) });
    const res = await fetch(`${domain.proxy.url}/api/v1/namespaces/_/actions/copy?blocking=true`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe(
      `Request larger than allowed: ${big.length} > 1048576 bytes.`,
    );
    expect(
      (await invoke(domain.proxy.url, "copy", "blocking=true&result=true", { input: "ok" })).body,
    ).toEqual({
      payload: "ok",
    });
  });

  it("refuses a chunked body as it passes the limit, and shrugs off a client gone mid-body", async () => {
    const domain = await domainWith({ proxy: { maxBodyBytes: 1024 } });
    const { hostname, port } = new URL(domain.proxy.url);
    const path = "/api/v1/namespaces/_/actions/copy?blocking=true";
    const headers = { ...auth, "content-type": "application/json" };
    const over = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ hostname, port, path, method: "POST", headers }, (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      // No Content-Length: chunked, the size only known as it arrives.
      req.write(`{"input":"${"x".repeat(800)}`);
      req.end(`${"y".repeat(800)}"}`);
    });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toMatch(
      /^Request larger than allowed: \d+ > 1024 bytes\.$/,
    );

    const gone = request({ hostname, port, path, method: "POST", headers });
    gone.on("error", () => {
      // Expected: the socket is destroyed below.
    });
    gone.write('{"input":"hal');
    await sleep(50);
    gone.destroy();
    await sleep(50);
    expect(
      (await invoke(domain.proxy.url, "copy", "blocking=true&result=true", { input: "ok" })).body,
    ).toEqual({ payload: "ok" });
  });
});

describe("logs", () => {
  it("writes one debug line per invocation with the reference's fields, and never the key", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ name: "wskproxy", level: "debug", pretty: false, destination });
    const domain = await domainWith({ proxy: { logger } });
    await invoke(domain.proxy.url, "copy", "blocking=true&result=true", { input: "hello" });
    await fetch(`${domain.proxy.url}/api/v1/namespaces/_/actions/copy`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${GUEST_KEY.slice(0, -1)}Z`).toString("base64")}`,
      },
    });
    const invocations = lines.map((l) => JSON.parse(l)).filter((l) => l.lambda === "/guest/copy");
    expect(invocations).toHaveLength(1);
    expect(invocations[0]).toMatchObject({
      level: 20,
      retcode: "OK",
      hops: 3,
      ptime: expect.any(Number),
      load: "0/0/0",
    });
    expect(["OW1", "OW2"]).toContain(invocations[0].from);
    expect(invocations[0].msg).toMatch(
      /^\d+\.\d{6} retcode: OK, from: OW[12], ptime: \d+ ms, hops: 3, load: 0\/0\/0, output: \{"payload":"hello"\}, dataout size: 0$/,
    );
    const secret = GUEST_KEY.split(":")[1] ?? "";
    expect(lines.join("\n")).not.toContain(secret.slice(0, 20));
    expect(lines.join("\n")).not.toContain(Buffer.from(GUEST_KEY).toString("base64").slice(0, 20));
  });
});
