import { connect as connectHttp2, constants } from "node:http2";
import { connect as connectTcp, type Socket } from "node:net";
import { Code, createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { afterEach, describe, expect, test } from "vitest";
import { parseEndpoint } from "../src/endpoint.js";
import { encodeEnvelope } from "../src/grpc-envelope.js";
import { type RunningServer, serve } from "../src/serve.js";
import { createTransport } from "../src/transports.js";
import { testRoutes } from "./fixtures.js";

// Regression tests for requests that used to kill or hold a service (issue "Hardening").

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<Parameters<typeof serve>[0]> = {}): Promise<RunningServer> {
  const server = await serve({ name: "hostile", routes: testRoutes, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** A valid call still succeeds: the process is alive and serving. */
async function stillServes(server: RunningServer): Promise<void> {
  const transport = createTransport(server.endpoint);
  cleanups.push(() => transport.close());
  const reply = await createClient(EdgeServer, transport).runLambda({ name: "echo", input: "ok" });
  expect(reply.output).toBe("OK");
}

function openSocket(endpoint: string): Socket {
  const { host, port } = parseEndpoint(endpoint);
  const socket = connectTcp({ host, port });
  socket.on("error", () => undefined);
  cleanups.push(() => socket.destroy());
  return socket;
}

/** Sends `request` and collects everything the server says until it closes the connection. */
function exchange(endpoint: string, request: Buffer | string): Promise<string> {
  const socket = openSocket(endpoint);
  socket.end(request);
  let answer = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    answer += chunk;
  });
  return new Promise((resolve) => socket.on("close", () => resolve(answer)));
}

interface Http2Answer {
  readonly status: number | undefined;
  readonly headers: Record<string, unknown>;
  readonly trailers: Record<string, unknown>;
  readonly body: string;
  readonly rstCode: number;
}

/** One HTTP/2 request with headers of our choosing (including a hostile `:authority`). */
function http2Request(
  url: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  options: { end?: boolean } = {},
): Promise<Http2Answer> {
  const session = connectHttp2(url);
  session.on("error", () => undefined);
  cleanups.push(() => session.destroy());
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", ...headers });
    let status: number | undefined;
    let responseHeaders: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    let text = "";
    stream.on("response", (h) => {
      status = h[":status"];
      responseHeaders = h;
    });
    stream.on("trailers", (t) => {
      trailers = t;
    });
    stream.setEncoding("latin1");
    stream.on("data", (chunk: string) => {
      text += chunk;
    });
    stream.on("error", () => undefined);
    stream.on("close", () =>
      resolve({ status, headers: responseHeaders, trailers, body: text, rstCode: stream.rstCode }),
    );
    if (body !== undefined) stream.write(body);
    if (options.end !== false) stream.end();
  });
}

const rpcPath = "/uiiit.rpc.EdgeServer/RunLambda";

describe("a request's authority is checked before anything builds a URL from it", () => {
  for (const host of ["127.0.0.1:99999", "[::1", "a b", "x/y", "user@host"]) {
    test(`HTTP/1.1 Host: ${host} gets a JSON 400 and the server keeps serving`, async () => {
      const server = await start();
      const answer = await exchange(
        server.endpoint,
        `POST ${rpcPath} HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\n` +
          "content-length: 2\r\nconnection: close\r\n\r\n{}",
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
        error: "The request's authority or path is not valid.",
      });
      await stillServes(server);
    });
  }

  test("an HTTP/1.1 path that cannot be resolved against the host gets 400", async () => {
    const server = await start();
    const answer = await exchange(
      server.endpoint,
      "GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nconnection: close\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes(server);
  });

  test("an HTTP/2 :authority of 127.0.0.1:99999 gets 400 on the Connect path", async () => {
    const server = await start();
    const answer = await http2Request(
      server.url,
      { ":path": rpcPath, ":authority": "127.0.0.1:99999", "content-type": "application/json" },
      Buffer.from("{}"),
    );
    expect(answer.status).toBe(400);
    await stillServes(server);
  });

  test("an HTTP/2 :authority of [::1 on the lean gRPC path is served (it builds no URL)", async () => {
    const server = await start();
    const message = Buffer.from([0x0a, 0x04, ...Buffer.from("echo")]);
    const answer = await http2Request(
      server.url,
      { ":path": rpcPath, ":authority": "[::1", "content-type": "application/grpc" },
      Buffer.from(encodeEnvelope(message)),
    );
    expect(answer.status).toBe(200);
    expect(answer.trailers["grpc-status"]).toBe("0");
    await stillServes(server);
  });
});

describe("a request body that does not decode is the client's error", () => {
  const garbage = Buffer.from([0x0a, 0xff]);

  test("Connect binary: 400 invalid_argument", async () => {
    const server = await start();
    const res = await fetch(`${server.url}${rpcPath}`, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: garbage,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_argument" });
  });

  test("gRPC-Web binary: grpc-status 3 (invalid_argument)", async () => {
    const server = await start();
    const res = await fetch(`${server.url}${rpcPath}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto" },
      body: Buffer.from(encodeEnvelope(garbage)),
    });
    const text = Buffer.from(await res.arrayBuffer()).toString("latin1");
    expect(text).toContain("grpc-status: 3");
  });

  test("gRPC on the lean path: InvalidArgument", async () => {
    const server = await start();
    const answer = await http2Request(
      server.url,
      { ":path": rpcPath, "content-type": "application/grpc" },
      Buffer.from(encodeEnvelope(garbage)),
    );
    expect(answer.trailers["grpc-status"] ?? answer.headers["grpc-status"]).toBe(
      String(Code.InvalidArgument),
    );
  });
});

describe("every connection must finish its headers and its request in time", () => {
  test("HTTP/1.1 headers sent a byte at a time are cut with a 408", async () => {
    const server = await start({ headersTimeoutMs: 300, requestTimeoutMs: 2_000 });
    const socket = openSocket(server.endpoint);
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    const line = Buffer.from(`POST ${rpcPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(sent < line.length ? line.subarray(sent, sent + 1) : "a");
      sent++;
    }, 20);
    await new Promise((resolve) => socket.on("close", resolve));
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await stillServes(server);
  });

  test("an HTTP/1.1 body that never completes is cut with a 408", async () => {
    const server = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const socket = openSocket(server.endpoint);
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.write(
      `POST ${rpcPath} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        "content-length: 1000\r\n\r\n{",
    );
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(" ");
    }, 20);
    await new Promise((resolve) => socket.on("close", resolve));
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await stillServes(server);
  });

  test("an HTTP/2 connection that never completes a request's headers is closed", async () => {
    const server = await start({ headersTimeoutMs: 300 });
    const socket = openSocket(server.endpoint);
    // The client preface and an empty SETTINGS frame, then a HEADERS frame that never ends.
    socket.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
    socket.write(Buffer.from([0, 0, 1, 1, 0, 0, 0, 0, 1, 0x82]));
    socket.resume();
    await new Promise((resolve) => socket.on("close", resolve));
    expect(socket.destroyed).toBe(true);
    await stillServes(server);
  });

  test("an HTTP/2 request body that never ends is reset", async () => {
    const server = await start({ requestTimeoutMs: 400 });
    const answer = await http2Request(
      server.url,
      { ":path": rpcPath, "content-type": "application/grpc" },
      Buffer.from([0, 0, 0, 0, 10, 0x0a]),
      { end: false },
    );
    expect(answer.rstCode).toBe(constants.NGHTTP2_CANCEL);
    await stillServes(server);
  });
});

describe("HTTP/2 sessions that stop answering", () => {
  test("a session nghttp2 ended for a protocol error is closed once its peer leaves", async () => {
    // Node 20 stops reading such a session and never sees the peer go; the liveness PING does.
    const server = await start({ headersTimeoutMs: 200 });
    const sockets: Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = openSocket(server.endpoint);
      socket.resume();
      socket.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
      socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
      // A whole GET /healthz on stream 1, then DATA on stream 7, which is idle: a connection
      // error, after the session has served a stream (so the first-stream timer is gone).
      socket.write(Buffer.from([0, 0, 6, 1, 5, 0, 0, 0, 1, 0x82, 0x84, 0x86, 0x41, 0x01, 0x61]));
      socket.write(Buffer.from([0, 0, 4, 0, 0, 0, 0, 0, 7, 1, 2, 3, 4]));
      sockets.push(socket);
    }
    const open = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const match = new RegExp(`server_open_connections\\{port="${server.port}"\\} (\\d+)`).exec(
        text,
      );
      return Number(match?.[1]);
    };
    expect(await openUntil(open, (n) => n >= 5)).toBeGreaterThanOrEqual(5);
    for (const socket of sockets) socket.destroy();
    // Only the connection asking for /metrics remains.
    expect(await openUntil(open, (n) => n <= 1)).toBeLessThanOrEqual(1);
  });

  test("an idle session whose peer answers PINGs stays open", async () => {
    const server = await start({ headersTimeoutMs: 100 });
    const session = connectHttp2(server.url);
    session.on("error", () => undefined);
    cleanups.push(() => session.destroy());
    const first = await http2RequestOn(session, server);
    expect(first).toBe(200);
    // Several liveness rounds pass; the session answers each PING and is still usable.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(session.closed || session.destroyed).toBe(false);
    expect(await http2RequestOn(session, server)).toBe(200);
  });
});

describe("idle HTTP/2 sessions", () => {
  test("are closed gracefully once no stream started or ended for idleTimeoutMs", async () => {
    const server = await start({ idleTimeoutMs: 300, headersTimeoutMs: 100 });
    const session = connectHttp2(server.url);
    session.on("error", () => undefined);
    cleanups.push(() => session.destroy());
    expect(await http2RequestOn(session, server)).toBe(200);
    const goaway = await new Promise<number>((resolve) => session.once("goaway", resolve));
    expect(goaway).toBe(constants.NGHTTP2_NO_ERROR);
  });
});

function http2RequestOn(session: ReturnType<typeof connectHttp2>, _server: RunningServer) {
  return new Promise<number | undefined>((resolve) => {
    const stream = session.request({ ":method": "GET", ":path": "/healthz" });
    let status: number | undefined;
    stream.on("response", (h) => {
      status = h[":status"];
    });
    stream.resume();
    stream.on("close", () => resolve(status));
    stream.end();
  });
}

/** Polls `read` until `done` holds (bounded by attempts, not by time), returning the last value. */
async function openUntil(read: () => Promise<number>, done: (n: number) => boolean) {
  let value = await read();
  for (let attempt = 0; !done(value) && attempt < 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}
