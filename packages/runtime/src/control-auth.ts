import { createHash, timingSafeEqual } from "node:crypto";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

export interface ControlAuthOptions {
  /** The shared control-plane token; undefined or "" lets every call through. */
  token: string | undefined;
  /** Which procedures need the token, e.g. "/uiiit.rpc.EdgeController/AnnounceComputer". Default: all. */
  protect?: (procedure: string) => boolean;
}

/** Rejects calls to protected procedures that lack `authorization: Bearer <token>`. */
export function controlAuthInterceptor(options: ControlAuthOptions): Interceptor {
  const { token, protect = () => true } = options;
  if (!token) return (next) => next;
  const expected = digest(token);
  return (next) => async (req) => {
    const procedure = `/${req.service.typeName}/${req.method.name}`;
    if (protect(procedure) && !matches(expected, req.header.get("authorization"))) {
      throw new ConnectError("missing or invalid bearer token", Code.Unauthenticated);
    }
    return next(req);
  };
}

/** Whether `authorization` carries the expected bearer token, in time independent of both. */
export function checkBearer(expected: string, authorization: string | null | undefined): boolean {
  return matches(digest(expected), authorization);
}

export function bearerHeader(token: string): string {
  return `Bearer ${token}`;
}

// Comparing fixed-size digests, not the tokens, so neither content nor length leaks by timing.
function matches(expected: Buffer, authorization: string | null | undefined): boolean {
  const presented = authorization ? /^Bearer +(.+)$/i.exec(authorization)?.[1] : undefined;
  return presented !== undefined && timingSafeEqual(expected, digest(presented));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
