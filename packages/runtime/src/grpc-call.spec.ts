import {
  constants,
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { createServer as createTcpServer } from "node:net";
import { Code, type ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { UnaryCall } from "./grpc-call.js";
import { decodeUnaryEnvelope, encodeEnvelope } from "./grpc-envelope.js";
import { Http2SessionPool } from "./http2-session-pool.js";
import { requestNotSent } from "./request-not-sent.js";

type Handler = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Buffer) => void;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A raw HTTP/2 server on a loopback port 0 that answers each stream with `handler`. */
async function server(handler: Handler): Promise<Http2SessionPool> {
  const h2: Http2Server = createServer();
  h2.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => handler(stream, headers, Buffer.concat(chunks)));
    stream.on("error", () => {});
  });
  await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
  const address = h2.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const pool = new Http2SessionPool(`http://127.0.0.1:${address.port}`);
  cleanups.push(() => new Promise((resolve) => h2.close(resolve)));
  cleanups.push(() => pool.close());
  return pool;
}

interface Outcome {
  error?: ConnectError;
  head?: IncomingHttpHeaders;
  payload?: Buffer;
  tail?: IncomingHttpHeaders;
}

function call(
  pool: Http2SessionPool,
  options: { timeoutMs?: number; signal?: AbortSignal; readMaxBytes?: number } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const unary = new UnaryCall(pool, options.readMaxBytes ?? 1024, (error, head, payload, tail) =>
      resolve({
        ...(error === undefined ? {} : { error }),
        ...(head === undefined ? {} : { head }),
        ...(payload === undefined ? {} : { payload }),
        ...(tail === undefined ? {} : { tail }),
      }),
    );
    unary.start(
      {
        ":method": "POST",
        ":path": "/uiiit.rpc.EdgeServer/RunLambda",
        "content-type": "application/grpc+proto",
        te: "trailers",
      },
      encodeEnvelope(Buffer.from("ping")),
      options.timeoutMs,
      options.signal,
    );
  });
}

const grpcHead = { ":status": 200, "content-type": "application/grpc+proto" };

/** Echoes the request's message upper-cased, with a header and a trailer. */
const echo: Handler = (stream, _headers, body) => {
  stream.respond({ ...grpcHead, "x-resp": "a" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "x-trail": "t" }));
  const text = Buffer.from(decodeUnaryEnvelope(body)).toString().toUpperCase();
  stream.end(encodeEnvelope(Buffer.from(text)));
};

describe("UnaryCall", () => {
  it("delivers the response's headers, message and trailers", async () => {
    const outcome = await call(await server(echo));
    expect(outcome.error).toBeUndefined();
    expect(outcome.head?.["x-resp"]).toBe("a");
    expect(Buffer.from(decodeUnaryEnvelope(outcome.payload as Buffer)).toString()).toBe("PING");
    expect(outcome.tail?.["x-trail"]).toBe("t");
  });

  it("reports the status of a trailers-only error response", async () => {
    const pool = await server((stream) =>
      stream.respond(
        { ...grpcHead, "grpc-status": String(Code.PermissionDenied), "grpc-message": "denied" },
        { endStream: true },
      ),
    );
    const { error } = await call(pool);
    expect(error?.code).toBe(Code.PermissionDenied);
    expect(error?.rawMessage).toBe("denied");
  });

  it("maps a non-gRPC HTTP status as gRPC does", async () => {
    const pool = await server((stream) => stream.respond({ ":status": 503 }, { endStream: true }));
    const { error } = await call(pool);
    expect(error?.code).toBe(Code.Unavailable);
    expect(error?.rawMessage).toMatch(/^HTTP 503 from/);
  });

  it("refuses a response that is not gRPC", async () => {
    const pool = await server((stream) => {
      stream.respond({ ":status": 200, "content-type": "text/html" });
      stream.end("<html>");
    });
    expect((await call(pool)).error?.code).toBe(Code.Internal);
  });

  it("calls a response without trailers a protocol error", async () => {
    const pool = await server((stream) => {
      stream.respond(grpcHead);
      stream.end(encodeEnvelope(Buffer.from("x")));
    });
    const { error } = await call(pool);
    expect(error?.code).toBe(Code.Internal);
    expect(error?.rawMessage).toBe("protocol error: missing trailers");
  });

  it("cancels a message larger than the read limit", async () => {
    const pool = await server((stream) => {
      stream.respond(grpcHead);
      stream.end(encodeEnvelope(Buffer.alloc(4096)));
    });
    const { error } = await call(pool, { readMaxBytes: 100 });
    expect(error?.code).toBe(Code.ResourceExhausted);
  });

  it("ends a call the peer does not answer at its deadline", async () => {
    const pool = await server(() => {});
    const { error } = await call(pool, { timeoutMs: 50 });
    expect(error?.code).toBe(Code.DeadlineExceeded);
    expect(requestNotSent(error)).toBe(false);
  });

  it("ends a call when its signal aborts", async () => {
    const pool = await server(() => {});
    const abort = new AbortController();
    const outcome = call(pool, { signal: abort.signal });
    abort.abort();
    expect((await outcome).error?.code).toBe(Code.Canceled);
  });

  it("says a refused stream was never sent", async () => {
    const pool = await server((stream) => stream.close(constants.NGHTTP2_REFUSED_STREAM));
    const { error } = await call(pool);
    expect(error?.code).toBe(Code.Unavailable);
    expect(requestNotSent(error)).toBe(true);
  });

  it("says a stream reset after it was sent may have run", async () => {
    const pool = await server((stream) => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
    const { error } = await call(pool);
    expect(error?.code).toBe(Code.Unavailable);
    expect(requestNotSent(error)).toBe(false);
  });

  it("says a call to a port nobody listens on was never sent, with the socket's cause", async () => {
    const tcp = createTcpServer();
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    const address = tcp.address();
    await new Promise((resolve) => tcp.close(resolve));
    if (address === null || typeof address === "string") throw new Error("no port");
    const pool = new Http2SessionPool(`http://127.0.0.1:${address.port}`);
    cleanups.push(() => pool.close());
    const { error } = await call(pool);
    expect(error?.code).toBe(Code.Unavailable);
    expect(requestNotSent(error)).toBe(true);
    const codes: unknown[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      codes.push((e as NodeJS.ErrnoException).code);
    }
    expect(codes).toContain("ECONNREFUSED");
  });
});
