import { constants, type IncomingHttpHeaders } from "node:http2";
import { Code, type ConnectError } from "@connectrpc/connect";
import { unusedPort } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { UnaryCall } from "./grpc-call.js";
import { decodeUnaryEnvelope, encodeEnvelope } from "./grpc-envelope.js";
import { Http2SessionPool } from "./http2-session-pool.js";
import { requestNotSent } from "./request-not-sent.js";
import { type RawHandler, startRawH2Server } from "../test/raw-h2.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A session pool to a raw HTTP/2 server that answers each stream with `handler`. */
async function server(handler: RawHandler): Promise<Http2SessionPool> {
  const h2 = await startRawH2Server(handler);
  const pool = new Http2SessionPool(h2.authority);
  cleanups.push(() => h2.close());
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
const echo: RawHandler = (stream, _headers, body) => {
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
    const pool = new Http2SessionPool(`http://127.0.0.1:${await unusedPort()}`);
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
