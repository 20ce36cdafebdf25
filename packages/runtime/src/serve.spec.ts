import { connect as connectHttp2 } from "node:http2";
import { connect as connectTcp } from "node:net";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { eventually } from "@soe/testing";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { testRoutes } from "../test/fixtures.js";
import { MetricsRegistry, metricsContentType } from "./metrics.js";
import { type RunningServer, type ServeOptions, serve } from "./serve.js";
import type { Routes } from "./service-registry.js";
import { createTransport } from "./transports.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<ServeOptions> = {}): Promise<RunningServer> {
  const server = await serve({ name: "spec", routes: testRoutes, ...options });
  cleanups.push(() => server.close());
  return server;
}

function grpcClient(server: RunningServer) {
  const transport = createTransport(server.endpoint);
  cleanups.push(() => transport.close());
  return createClient(EdgeServer, transport);
}

const rpcPath = "/uiiit.rpc.EdgeServer/RunLambda";

function connectJson(server: RunningServer, body: unknown): Promise<Response> {
  return fetch(`${server.url}${rpcPath}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Raw HTTP/1.1: everything the server says until it closes the connection. */
function exchange(server: RunningServer, request: string): Promise<string> {
  const socket = connectTcp({ host: server.host, port: server.port });
  socket.on("error", () => undefined);
  cleanups.push(() => socket.destroy());
  socket.end(request);
  let answer = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    answer += chunk;
  });
  return new Promise((resolve) => socket.on("close", () => resolve(answer)));
}

/** One HTTP/2 (h2c) GET; resolves with its status and body. */
function http2Get(url: string, headers: Record<string, string>) {
  const session = connectHttp2(url);
  session.on("error", () => undefined);
  cleanups.push(() => session.destroy());
  return new Promise<{ status: number | undefined; body: string }>((resolve) => {
    const stream = session.request({ ":method": "GET", ...headers });
    let status: number | undefined;
    let body = "";
    stream.on("response", (h) => {
      status = h[":status"];
    });
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      body += chunk;
    });
    stream.on("error", () => undefined);
    stream.on("close", () => resolve({ status, body }));
    stream.end();
  });
}

/** RunLambda calls that wait until the test releases them (or their call is cancelled). */
function heldCalls() {
  let started = 0;
  const releases: Array<() => void> = [];
  const routes: Routes = (router) =>
    router.service(EdgeServer, {
      async runLambda(request, context) {
        started++;
        await new Promise<void>((resolve) => {
          releases.push(resolve);
          context.signal.addEventListener("abort", () => resolve());
        });
        return { retcode: "OK", output: request.input };
      },
    });
  return {
    routes,
    started: () => started,
    releaseAll: () => {
      for (const release of releases.splice(0)) release();
    },
  };
}

describe("serve", () => {
  it("answers Connect JSON over HTTP/1.1 and gRPC over HTTP/2 on one port", async () => {
    const server = await start();
    expect(server.endpoint).toBe(`127.0.0.1:${server.port}`);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await connectJson(server, { name: "echo", input: "json" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ output: "JSON", hops: 1 });
    const reply = await grpcClient(server).runLambda({ name: "echo", input: "grpc" });
    expect(reply.output).toBe("GRPC");
  });

  it("gives a server bound to every interface a URL on loopback", async () => {
    const server = await start({ endpoint: "0.0.0.0:0" });
    expect(server.endpoint).toBe(`0.0.0.0:${server.port}`);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("rejects when its end-point is taken", async () => {
    const first = await start();
    const error = await serve({ name: "second", endpoint: first.endpoint }).catch(
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error).toMatchObject({ code: "EADDRINUSE" });
  });

  it("serves /healthz, and /metrics as Prometheus text with this port's open connections", async () => {
    const server = await start({ name: "healthy" });
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", service: "healthy" });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get("content-type")).toBe(metricsContentType);
    const text = await metrics.text();
    expect(text).toMatch(new RegExp(`server_open_connections\\{port="${server.port}"\\} [1-9]`));
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("renders a registry it is given, each port apart, without adding process metrics", async () => {
    const registry = new MetricsRegistry();
    const a = await start({ metrics: registry });
    const b = await start({ metrics: registry });
    expect(a.metrics).toBe(registry);
    await grpcClient(a).runLambda({ name: "echo" });
    const text = await (await fetch(`${b.url}/metrics`)).text();
    expect(text).toContain(`server_open_connections{port="${a.port}"}`);
    expect(text).toContain(`server_open_connections{port="${b.port}"}`);
    expect(text).toMatch(/rpc_server_calls_total\{procedure="\/uiiit\.rpc\.EdgeServer\/RunLambda"/);
    expect(text).not.toContain("process_resident_memory_bytes");
  });

  it("serves its hono routes beside /healthz over HTTP/1.1 and HTTP/2", async () => {
    const app = new Hono();
    app.get("/hello/:who", (c) => c.json({ hello: c.req.param("who") }));
    const server = await start({ http: app });
    expect(await (await fetch(`${server.url}/hello/h1`)).json()).toEqual({ hello: "h1" });
    const answer = await http2Get(server.url, { ":path": "/hello/h2" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ hello: "h2" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("answers a URL hono cannot build with a JSON 400 and keeps serving", async () => {
    const server = await start();
    const answer = await exchange(
      server,
      "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nconnection: close\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
      error: "The request's URL is not valid.",
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("answers an invalid authority on a plain HTTP route with 400 and keeps serving", async () => {
    const server = await start();
    const answer = await http2Get(server.url, {
      ":path": "/healthz",
      ":authority": "127.0.0.1:99999",
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: "The request's authority or path is not valid.",
    });
    expect((await grpcClient(server).runLambda({ name: "echo", input: "ok" })).output).toBe("OK");
  });

  it("answers a request over readMaxBytes with resource_exhausted on each protocol", async () => {
    const server = await start({ readMaxBytes: 1024 });
    const big = "x".repeat(4096);
    const res = await connectJson(server, { name: "echo", input: big });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: "resource_exhausted" });
    const error = await grpcClient(server)
      .runLambda({ name: "echo", input: big })
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.ResourceExhausted });
    expect(
      await (await connectJson(server, { name: "echo", input: "small" })).json(),
    ).toMatchObject({ output: "SMALL" });
  });

  it("close() lets calls in flight on both protocols finish, then refuses connections", async () => {
    const held = heldCalls();
    const server = await serve({ name: "spec", routes: held.routes });
    const overHttp1 = connectJson(server, { input: "h1" }).then((res) => res.json());
    const overHttp2 = grpcClient(server).runLambda({ input: "h2" });
    await eventually(() => held.started() === 2);
    const closed = server.close();
    expect(server.close()).toBe(closed);
    held.releaseAll();
    await closed;
    expect(await overHttp1).toMatchObject({ output: "h1" });
    expect((await overHttp2).output).toBe("h2");
    const refused = await fetch(`${server.url}/healthz`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
  });

  it("close() cuts the calls that outlast drainTimeoutMs", async () => {
    const held = heldCalls();
    const server = await serve({ name: "spec", routes: held.routes, drainTimeoutMs: 100 });
    const client = grpcClient(server);
    const call = client.runLambda({ input: "never" }).catch((e: unknown) => ConnectError.from(e));
    await eventually(() => held.started() === 1);
    await server.close();
    const outcome = await call;
    expect(outcome).toBeInstanceOf(ConnectError);
    expect((outcome as ConnectError).code).toBe(Code.Unavailable);
  });
});
