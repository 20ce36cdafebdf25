import { ErrorText, type KeyRing } from "@soe/openwhisk";
import type { MiddlewareHandler } from "hono";
import type { ProxyEnv } from "../../proxy-env.js";
import { errorResponse } from "../errors/index.js";

/** The realm header OpenWhisk's 401 carries (a Pekko default, openwhisk-api.md §1). */
export const WWW_AUTHENTICATE = 'Basic realm="OpenWhisk secure realm",charset=UTF-8';

/**
 * Basic `uuid:key` against the key ring. The two 401 texts are OpenWhisk's: one for no
 * credentials, one for credentials it does not know. The header is never logged or echoed.
 */
export function authenticate(keys: KeyRing): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const authentication = keys.authenticate(c.req.header("authorization"));
    if (!authentication.ok) {
      c.header("WWW-Authenticate", WWW_AUTHENTICATE);
      const text =
        authentication.reason === "missing"
          ? ErrorText.missingCredentials
          : ErrorText.invalidCredentials;
      return errorResponse(c, 401, text);
    }
    c.set("identity", authentication.identity);
    await next();
  };
}
