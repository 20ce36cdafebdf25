import { createServer as createHttpServer } from "node:http";
import { connect as connectHttp2, constants, createServer as createHttp2Server } from "node:http2";
import { connect as connectTcp, type Server, type Socket } from "node:net";
import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { EdgeComputer, EdgeServer, UtilizationSchema } from "@soe/proto";
import { eventually } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { testRoutes } from "../test/fixtures.js";
import { createLogger } from "./logger.js";
import { createRpcAdapter, type NodeRequest, type NodeResponse } from "./rpc-adapter.js";
import type { Routes } from "./service-registry.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const rpcPath = "/uiiit.rpc.EdgeServer/RunLambda";

/** The adapter behind a plain node:http server and an h2c node:http2 one, on loopback port 0. */
async function mount(routes: Routes = testRoutes) {
  const lines: string[] = [];
  const logger = createLogger({
    name: "rpc-adapter",
    level: "debug",
    pretty: false,
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  const fallbackSaw: string[] = [];
  const adapter = createRpcAdapter({
    routes,
    interceptors: [],
    readMaxBytes: 64 * 1024,
    writeMaxBytes: 64 * 1024,
    maxTimeoutMs: 60_000,
    fallback: (req: NodeRequest, res: NodeResponse) => {
      fallbackSaw.push(req.url ?? "");
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("fallback");
    },
    logger,
  });
  const handle = (req: NodeRequest, res: NodeResponse) => adapter.handle(req, res);
  const h1 = await listening(createHttpServer(handle));
  const h2 = await listening(createHttp2Server(handle));
  const logged = () => lines.map((line) => JSON.parse(line) as { level: number; msg: string });
  return { adapter, fallbackSaw, logged, h1, h2 };
}

async function listening(server: Server) {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  cleanups.push(() => {
    // Clients keep their connections (an HTTP/2 session above all); close() would wait on them.
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { port: address.port, url: `http://127.0.0.1:${address.port}` };
}

/** Sends raw HTTP/1.1 and gathers the answer until the server closes the connection. */
function exchange(port: number, request: string): Promise<string> {
  const socket = connectTcp({ host: "127.0.0.1", port });
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

/** One HTTP/2 request with headers of our choosing (including a hostile `:authority`). */
function http2Status(url: string, headers: Record<string, string>): Promise<number | undefined> {
  const session = connectHttp2(url);
  session.on("error", () => undefined);
  cleanups.push(() => session.destroy());
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", ...headers });
    let status: number | undefined;
    stream.on("response", (h) => {
      status = h[":status"];
    });
    stream.on("error", () => undefined);
    stream.resume();
    stream.on("close", () => resolve(status));
    stream.end("{}");
  });
}

/** RunLambda that waits until its call is cancelled, recording how. */
function waitingForCancel() {
  const reasons: unknown[] = [];
  let started = 0;
  const routes: Routes = (router) =>
    router.service(EdgeServer, {
      async runLambda(_request, context) {
        started++;
        await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
        reasons.push(context.signal.reason);
        return {};
      },
    });
  return { routes, reasons, started: () => started };
}

describe("createRpcAdapter", () => {
  it("records the unary methods for the lean gRPC path, and only those", async () => {
    const { adapter } = await mount();
    expect(adapter.unaryRoutes.has(rpcPath)).toBe(true);
    expect(adapter.unaryRoutes.has("/uiiit.rpc.EdgeComputer/StreamUtil")).toBe(false);
  });

  it("maps an HTTP/1.1 Connect call's headers in and its headers and trailers out", async () => {
    const { h1, fallbackSaw } = await mount();
    const res = await fetch(`${h1.url}${rpcPath}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-req": "from-client" },
      body: JSON.stringify({ name: "meta" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ retcode: "OK", output: "from-client" });
    expect(res.headers.get("x-resp")).toBe("header-value");
    // Connect unary carries trailers as prefixed headers.
    expect(res.headers.get("trailer-x-trail")).toBe("trailer-value");
    expect(fallbackSaw).toEqual([]);
  });

  it("serves gRPC through the HTTP/2 compatibility API with real trailers", async () => {
    const { h2 } = await mount();
    const client = createClient(EdgeServer, createGrpcTransport({ baseUrl: h2.url }));
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const reply = await client.runLambda(
      { name: "meta" },
      {
        headers: { "x-req": "over-h2" },
        onHeader: (h) => {
          header = h;
        },
        onTrailer: (t) => {
          trailer = t;
        },
      },
    );
    expect(reply.output).toBe("over-h2");
    expect(header?.get("x-resp")).toBe("header-value");
    expect(trailer?.get("x-trail")).toBe("trailer-value");
  });

  it("finds the RPC behind a query string", async () => {
    const { h1, fallbackSaw } = await mount();
    const res = await fetch(`${h1.url}${rpcPath}?trace=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "echo", input: "q" }),
    });
    expect(await res.json()).toMatchObject({ output: "Q" });
    expect(fallbackSaw).toEqual([]);
  });

  it("hands every path that is not an RPC to the fallback, unchanged", async () => {
    const { h1, h2, fallbackSaw } = await mount();
    expect(await (await fetch(`${h1.url}/healthz?probe=1`)).text()).toBe("fallback");
    expect(await http2Status(h2.url, { ":path": "/uiiit.rpc.EdgeServer/Nope" })).toBe(200);
    expect(fallbackSaw).toEqual(["/healthz?probe=1", "/uiiit.rpc.EdgeServer/Nope"]);
  });

  it("answers a request target that forms no URL with a JSON 400, before handler or fallback", async () => {
    const { h1, h2, fallbackSaw } = await mount();
    for (const path of [rpcPath, "/healthz"]) {
      const answer = await exchange(
        h1.port,
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:99999\r\ncontent-type: application/json\r\n` +
          "content-length: 2\r\nconnection: close\r\n\r\n{}",
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
        error: "The request's authority or path is not valid.",
      });
    }
    expect(await http2Status(h2.url, { ":path": "/healthz", ":authority": "[::1" })).toBe(400);
    expect(fallbackSaw).toEqual([]);
  });

  it("aborts the handler's signal when an HTTP/1.1 client hangs up", async () => {
    const cancel = waitingForCancel();
    const { h1 } = await mount(cancel.routes);
    const socket = connectTcp({ host: "127.0.0.1", port: h1.port });
    socket.on("error", () => undefined);
    cleanups.push(() => socket.destroy());
    socket.write(
      `POST ${rpcPath} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        "content-length: 2\r\n\r\n{}",
    );
    await eventually(() => cancel.started() === 1);
    socket.destroy();
    await eventually(() => cancel.reasons.length === 1);
    // HTTP/1.1 has no reset code: the call is simply over.
    expect(cancel.started()).toBe(1);
  });

  it("aborts the handler's signal as Canceled when an HTTP/2 client resets its stream", async () => {
    const cancel = waitingForCancel();
    const { h2 } = await mount(cancel.routes);
    const session = connectHttp2(h2.url);
    session.on("error", () => undefined);
    cleanups.push(() => session.destroy());
    const stream = session.request({
      ":method": "POST",
      ":path": rpcPath,
      "content-type": "application/json",
    });
    stream.on("error", () => undefined);
    stream.end("{}");
    await eventually(() => cancel.started() === 1);
    stream.close(constants.NGHTTP2_CANCEL);
    await eventually(() => cancel.reasons.length === 1);
    expect(ConnectError.from(cancel.reasons[0]).code).toBe(Code.Canceled);
  });

  it("logs a client that leaves mid-stream at debug, never as an error", async () => {
    const routes: Routes = (router) =>
      router.service(EdgeComputer, {
        async *streamUtil(_request, context) {
          while (!context.signal.aborted) {
            yield create(UtilizationSchema, { values: { arm: 0.5 } });
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        },
      });
    const { h1, logged } = await mount(routes);
    const client = createClient(
      EdgeComputer,
      createConnectTransport({ baseUrl: h1.url, httpVersion: "1.1" }),
    );
    const stop = new AbortController();
    const error = await (async () => {
      for await (const _sample of client.streamUtil({}, { signal: stop.signal })) stop.abort();
    })().catch((e: unknown) => ConnectError.from(e));
    expect(error?.code).toBe(Code.Canceled);
    await eventually(() => logged().some((line) => line.msg === "client went away"));
    const gone = logged().find((line) => line.msg === "client went away");
    expect(gone).toMatchObject({ level: 20, procedure: "uiiit.rpc.EdgeComputer/StreamUtil" });
    expect(logged().filter((line) => line.level >= 50)).toEqual([]);
  });
});
