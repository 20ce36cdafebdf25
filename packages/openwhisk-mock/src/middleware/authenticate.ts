import { ErrorText, type KeyRing } from "@soe/openwhisk";
import type { MiddlewareHandler } from "hono";
import type { MockEnv } from "../mock-env.js";

/** Basic auth against the key ring; 401 in OpenWhisk's shape, with its realm. */
export function authenticate(keys: KeyRing): MiddlewareHandler<MockEnv> {
  return async (c, next) => {
    const authentication = keys.authenticate(c.req.header("authorization"));
    if (!authentication.ok) {
      const error =
        authentication.reason === "missing"
          ? ErrorText.missingCredentials
          : ErrorText.invalidCredentials;
      c.header("WWW-Authenticate", 'Basic realm="OpenWhisk secure realm",charset=UTF-8');
      return c.json({ error, code: c.get("tid") }, 401);
    }
    c.set("identity", authentication.identity);
    await next();
  };
}
