import { tooLarge } from "@soe/openwhisk";
import { readBounded } from "@soe/runtime";
import type { MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../../proxy-env.js";
import { errorResponse } from "../errors/index.js";

/** OpenWhisk's invocation payload limit (openwhisk-api.md §8). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * 413 with OpenWhisk's text for a body over the limit: at once when `Content-Length` declares it
 * (as the controller checks), otherwise when a chunked body grows past it. The body read is left
 * on the context for the route.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (declared > maxBytes) return errorResponse(c, 413, tooLarge(declared, maxBytes));
    const read = await readBounded(c.req.raw, maxBytes);
    if (!read.ok) return errorResponse(c, 413, tooLarge(read.size, maxBytes));
    c.set("body", read.bytes);
    await next();
  };
}
