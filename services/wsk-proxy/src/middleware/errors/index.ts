import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorText } from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import { EdgeErrorText } from "../../error-texts.js";
import type { ProxyEnv } from "../../proxy-env.js";

/**
 * A refusal a route or middleware decides: becomes `{error, code}` with this status. Thrown where
 * returning a response would be awkward (deep in a helper); routes usually call errorResponse.
 */
export class ProxyHttpError extends Error {
  override readonly name = "ProxyHttpError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly text: string,
  ) {
    super(text);
  }
}

/** OpenWhisk's error body: the text and the transaction id, always both (the Go client needs both). */
export function errorResponse(c: Context<ProxyEnv>, status: ContentfulStatusCode, error: string) {
  return c.json({ error, code: c.get("requestId") ?? "" }, status);
}

/** Unknown routes: OpenWhisk's text for a path no route matches. */
export const notFound: NotFoundHandler<ProxyEnv> = (c) => errorResponse(c, 404, ErrorText.noRoute);

/**
 * Whether a failure is the client hanging up (its request aborted, its body cut short): expected
 * traffic at an edge, not a fault of ours.
 */
export function isClientAbort(err: unknown, request: Request): boolean {
  if (request.signal.aborted) return true;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === "ECONNRESET" ||
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    (err instanceof Error && err.name === "AbortError")
  );
}

/**
 * Anything thrown: a ProxyHttpError keeps its status, a client that went away is noted at debug
 * (nobody reads the answer), everything else is a bug of ours and becomes OpenWhisk's 500 text
 * (logged here, once, with the request it broke).
 */
export function onError(logger: Logger | undefined): ErrorHandler<ProxyEnv> {
  return (err, c) => {
    if (err instanceof ProxyHttpError) return errorResponse(c, err.status, err.text);
    if (isClientAbort(err, c.req.raw)) {
      logger?.debug({ method: c.req.method, path: c.req.path }, "client went away");
      return errorResponse(c, 400, EdgeErrorText.clientAborted);
    }
    logger?.error({ err, method: c.req.method, path: c.req.path }, "request failed");
    return errorResponse(c, 500, ErrorText.internal);
  };
}

const JSON_TYPE = /^application\/json\b/i;

function textForStatus(status: number): string {
  if (status === 404) return ErrorText.noRoute;
  if (status === 503) return ErrorText.unavailable;
  if (status === 504) return EdgeErrorText.domainTimeout;
  return ErrorText.internal;
}

/**
 * The last guard of "every non-2xx response is JSON `{error, code}`": a refusal that reached the
 * response without that shape (a framework default, a bodiless status) is rewritten to it.
 * Bodies of failed activations (502/500 with a record) are JSON already and pass unchanged.
 */
export function jsonErrors(): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    await next();
    const status = c.res.status;
    if (status < 400 || JSON_TYPE.test(c.res.headers.get("content-type") ?? "")) return;
    const headers = new Headers(c.res.headers);
    c.res = undefined;
    c.res = errorResponse(c, status as ContentfulStatusCode, textForStatus(status));
    for (const [name, value] of headers) {
      if (name !== "content-type" && name !== "content-length") c.res.headers.set(name, value);
    }
  };
}
