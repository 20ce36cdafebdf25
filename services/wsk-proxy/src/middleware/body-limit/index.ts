import { tooLarge } from "@soe/openwhisk";
import type { MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../../proxy-env.js";
import { errorResponse } from "../errors/index.js";

/** OpenWhisk's invocation payload limit (openwhisk-api.md §8). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type BoundedRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly size: number };

/**
 * Reads a body, stopping as soon as it grows past `maxBytes` (so a huge or endless upload costs
 * at most that much memory); `size` is then the number of bytes seen.
 */
export async function readBounded(request: Request, maxBytes: number): Promise<BoundedRead> {
  if (request.body === null) return { ok: true, bytes: new Uint8Array() };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {
        // The client may already be gone; the 413 is all that is left to say.
      });
      return { ok: false, size };
    }
    chunks.push(value);
  }
  return {
    ok: true,
    bytes: chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks),
  };
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
    const read = await readBounded(c.req.raw, maxBytes);
    if (!read.ok) return errorResponse(c, 413, tooLarge(read.size, maxBytes));
    c.set("body", read.bytes);
    await next();
  };
}
