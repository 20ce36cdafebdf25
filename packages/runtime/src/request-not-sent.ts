import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Marks a failure where the request provably never reached the peer (no connection, or the
 * stream refused per RFC 9113 §8.7), so a caller may retry it elsewhere without running it twice.
 */
export class RequestNotSentError extends Error {
  override readonly name = "RequestNotSentError";
}

/**
 * The error of a call whose request never reached the peer: `unavailable`, with the reason and,
 * when there is one, the socket error (say, ECONNREFUSED) as the cause a reader is told.
 */
export function notSent(message: string, cause?: Error): ConnectError {
  return new ConnectError(
    message,
    Code.Unavailable,
    undefined,
    undefined,
    new RequestNotSentError(message, cause === undefined ? undefined : { cause }),
  );
}

/** Whether a call failed before its request reached the peer (safe to retry on another one). */
export function requestNotSent(error: unknown): boolean {
  return error instanceof ConnectError && error.cause instanceof RequestNotSentError;
}
