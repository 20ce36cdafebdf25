import type { Identity } from "@soe/openwhisk";

/** Per-request values the middlewares hand to the routes. */
export interface MockEnv {
  Variables: {
    /** Transaction id: the `X-Request-ID` header and every error body's `code`. */
    tid: string;
    identity: Identity;
  };
}
