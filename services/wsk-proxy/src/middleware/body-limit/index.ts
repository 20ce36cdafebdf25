import { Readable } from "node:stream";
import { tooLarge } from "@soe/openwhisk";
import { readBounded, readBoundedStream } from "@soe/runtime";
import type { Context, MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../../proxy-env.js";
import { errorResponse } from "../errors/index.js";

/** OpenWhisk's invocation payload limit (openwhisk-api.md §8). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The Node request under hono's, when @hono/node-server serves the app (its `env.incoming`) and
 * nothing has read the body yet: reading it directly (readBoundedStream) spares a fetch Request
 * and a web stream per invocation (README, "Cost per call"). A client that goes away mid-body
 * rejects with the stream's error, which the error middleware treats as a client abort.
 */
function unreadIncoming(c: Context<ProxyEnv>): Readable | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof Readable && !incoming.readableDidRead ? incoming : undefined;
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
        : await readBoundedStream(incoming, maxBytes);
    if (!read.ok) return errorResponse(c, 413, tooLarge(read.size, maxBytes));
    c.set("body", read.bytes);
    await next();
  };
}
