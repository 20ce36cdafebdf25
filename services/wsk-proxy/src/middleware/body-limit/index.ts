import { Readable, finished } from "node:stream";
import { tooLarge } from "@soe/openwhisk";
import { type BoundedRead, readBounded } from "@soe/runtime";
import type { Context, MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../../proxy-env.js";
import { errorResponse } from "../errors/index.js";

/** OpenWhisk's invocation payload limit (openwhisk-api.md §8). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The Node request under hono's, when @hono/node-server serves the app (its `env.incoming`) and
 * nothing has read the body yet.
 */
function unreadIncoming(c: Context<ProxyEnv>): Readable | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof Readable && !incoming.readableDidRead ? incoming : undefined;
}

/**
 * readBounded on the Node stream itself. Going through `c.req.raw.body` costs a fetch `Request`
 * and a web ReadableStream over the Node stream per invocation, a sixth of the proxy's CPU per
 * call under load (README, "Cost per call"). Past the limit it stops reading, as readBounded
 * does; @hono/node-server drains (or closes) what the client still sends once answered. A client
 * that goes away mid-body rejects with the stream's error (ECONNRESET, premature close), which
 * the error middleware treats as a client abort, as before.
 */
function readIncomingBounded(incoming: Readable, maxBytes: number): Promise<BoundedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      stopWatching();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        stop();
        incoming.pause();
        resolve({ ok: false, size });
        return;
      }
      chunks.push(chunk);
    };
    const stopWatching = finished(incoming, { writable: false }, (error) => {
      stop();
      if (error) reject(error);
      else
        resolve({
          ok: true,
          bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
        });
    });
    incoming.on("data", onData);
  });
}

/**
 * 413 with OpenWhisk's text for a body over the limit: at once when `Content-Length` declares it
 * (as the controller checks), otherwise when a chunked body grows past it. The body read is left
 * on the context for the route.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (declared > maxBytes) return errorResponse(c, 413, tooLarge(declared, maxBytes));
    const incoming = unreadIncoming(c);
    const read =
      incoming === undefined
        ? await readBounded(c.req.raw, maxBytes)
        : await readIncomingBounded(incoming, maxBytes);
    if (!read.ok) return errorResponse(c, 413, tooLarge(read.size, maxBytes));
    c.set("body", read.bytes);
    await next();
  };
}
