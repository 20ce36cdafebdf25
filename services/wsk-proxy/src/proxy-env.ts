import type { Identity } from "@soe/openwhisk";

/** What the middlewares put on a request's context for the routes after them. */
export interface ProxyVariables {
  /** The transaction id: the caller's `X-Request-ID` or a new one; every error's `code`. */
  requestId: string;
  /** The authenticated caller (set by the auth middleware on `/api/v1/namespaces...`). */
  identity: Identity;
  /** The request body, read within the size limit (set by the body-limit middleware). */
  body: Uint8Array;
}

export interface ProxyEnv {
  Variables: ProxyVariables;
}
