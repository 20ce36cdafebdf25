import { randomFillSync } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../../proxy-env.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const ID_LENGTH = 32;
/**
 * Random bytes drawn 128 ids at a time: a `randomBytes(32)` per request (a Buffer and a call
 * into the CSPRNG each) was 1.5 % of the proxy's CPU under load; the bytes are the same kind.
 */
const pool = Buffer.alloc(ID_LENGTH * 128);
let used = pool.length;

/** Modern controllers mint 32 alphanumeric characters; clients treat the value as opaque. */
export function newRequestId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  let id = "";
  for (let end = used + ID_LENGTH; used < end; used += 1) {
    id += ALPHABET[(pool[used] as number) % ALPHABET.length];
  }
  return id;
}

/**
 * A caller's `X-Request-ID` is reused as the transaction id, as the controller does (and as the
 * JS client's `__OW_TRANSACTION_ID` expects); only short printable values, so that nothing a
 * caller sends can break a header or a log line.
 */
export function requestIdFrom(header: string | undefined): string {
  const offered = header?.trim() ?? "";
  return offered.length > 0 && offered.length <= 256 && /^[\x21-\x7e]+$/.test(offered)
    ? offered
    : newRequestId();
}

/** The CORS trio OpenWhisk puts on every `/api/v1` response (openwhisk-api.md §2). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers":
    "Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent",
  "Access-Control-Allow-Methods": "GET, DELETE, POST, PUT, HEAD",
};

function isRestPath(path: string): boolean {
  return path === "/api/v1" || path.startsWith("/api/v1/");
}

/**
 * Every response carries `X-Request-ID`; REST responses carry the CORS headers, and `OPTIONS`
 * on a REST path is answered 200 without authentication, as OpenWhisk does.
 */
export function requestId(): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const id = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", id);
    const rest = isRestPath(c.req.path);
    if (rest && c.req.method === "OPTIONS") {
      return c.body(null, 200, { ...CORS_HEADERS, "X-Request-ID": id });
    }
    await next();
    c.res.headers.set("X-Request-ID", id);
    if (rest)
      for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value);
  };
}
