import type { MiddlewareHandler } from "hono";
import type { MockEnv } from "../mock-env.js";
import { transactionIdFrom } from "../transaction-id.js";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers":
    "Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent",
  "Access-Control-Allow-Methods": "GET, DELETE, POST, PUT, HEAD",
};

/**
 * Every response carries `X-Request-ID` (the caller's, when it sent one); REST responses under
 * `/api/v1` carry the CORS headers, and `OPTIONS` there is answered 200 without authentication.
 */
export const transaction: MiddlewareHandler<MockEnv> = async (c, next) => {
  const tid = transactionIdFrom(c.req.header("x-request-id"));
  c.set("tid", tid);
  const rest = c.req.path === "/api/v1" || c.req.path.startsWith("/api/v1/");
  if (rest && c.req.method === "OPTIONS") {
    return c.body(null, 200, { ...CORS, "X-Request-ID": tid });
  }
  await next();
  c.res.headers.set("X-Request-ID", tid);
  if (rest) for (const [name, value] of Object.entries(CORS)) c.res.headers.set(name, value);
};
