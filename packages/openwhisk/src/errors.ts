import type { ErrorBody } from "./api-types.js";

/**
 * Base of every failure of {@link OpenWhiskClient}. Fields name the request (method and a URL
 * built from the API root, which never carries credentials); the auth token is never stored on
 * an error, not even in `cause`.
 */
export abstract class OpenWhiskError extends Error {
  abstract readonly kind: "http" | "unreachable" | "timeout" | "protocol";
  readonly method: string;
  readonly url: string;

  constructor(message: string, method: string, url: string, options?: ErrorOptions) {
    super(message, options);
    this.method = method;
    this.url = url;
  }
}

/** The server answered with a status that is an error for this call (4xx, 5xx with `{error, code}`). */
export class OpenWhiskHttpError extends OpenWhiskError {
  override readonly name = "OpenWhiskHttpError";
  readonly kind = "http" as const;
  readonly status: number;
  /** The parsed `{error, code}` body, when the server sent one. */
  readonly body: ErrorBody | undefined;
  /** `X-Request-ID` of the response: the transaction id to quote to the operators. */
  readonly requestId: string | undefined;

  constructor(
    method: string,
    url: string,
    status: number,
    body: ErrorBody | undefined,
    requestId?: string,
  ) {
    const detail =
      body === undefined ? "no OpenWhisk error body" : `${body.error} (code ${body.code})`;
    super(`OpenWhisk ${method} ${url} answered ${status}: ${detail}`, method, url);
    this.status = status;
    this.body = body;
    this.requestId = requestId;
  }
}

/** No HTTP exchange happened: refused, reset, DNS failure, TLS failure. */
export class OpenWhiskUnreachableError extends OpenWhiskError {
  override readonly name = "OpenWhiskUnreachableError";
  readonly kind = "unreachable" as const;
  /** The system error code, e.g. `ECONNREFUSED`, when there is one. */
  readonly code: string | undefined;

  constructor(method: string, url: string, cause: unknown) {
    const code = systemErrorCode(cause);
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`OpenWhisk ${method} ${url} is unreachable: ${reason}`, method, url, { cause });
    this.code = code;
  }
}

/** The whole exchange (connect, request, complete response) did not finish within the deadline. */
export class OpenWhiskTimeoutError extends OpenWhiskError {
  override readonly name = "OpenWhiskTimeoutError";
  readonly kind = "timeout" as const;
  readonly timeoutMs: number;

  constructor(method: string, url: string, timeoutMs: number) {
    super(`OpenWhisk ${method} ${url} did not answer within ${timeoutMs} ms`, method, url);
    this.timeoutMs = timeoutMs;
  }
}

/** The server answered, but not with something this client can use (bad JSON, too big, wrong shape). */
export class OpenWhiskProtocolError extends OpenWhiskError {
  override readonly name = "OpenWhiskProtocolError";
  readonly kind = "protocol" as const;
  readonly status: number | undefined;

  constructor(method: string, url: string, reason: string, status?: number) {
    super(`OpenWhisk ${method} ${url}: ${reason}`, method, url);
    this.status = status;
  }
}

function systemErrorCode(cause: unknown): string | undefined {
  if (typeof cause !== "object" || cause === null || !("code" in cause)) return undefined;
  return typeof cause.code === "string" ? cause.code : undefined;
}
