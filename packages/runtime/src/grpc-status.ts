import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";

/**
 * gRPC status <-> HTTP/2 header objects. The success path touches plain objects only; Fetch
 * `Headers` (which connect's helpers need for status details and percent-encoding) are built on
 * the error path alone, because building them per call is a large part of connect-node's cost.
 */

const reservedResponseHeaders = new Set([
  "content-type",
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "grpc-encoding",
  "grpc-accept-encoding",
  "te",
]);

/** Status (and the error's metadata) as header entries for trailers or a trailers-only response. */
export function statusHeaders(error: ConnectError): OutgoingHttpHeaders {
  const headers = setTrailerStatus(new Headers(), error);
  const out: OutgoingHttpHeaders = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** Copies Fetch headers into an HTTP/2 header object, skipping protocol-owned names. */
export function copyHeaders(from: Headers, to: OutgoingHttpHeaders): void {
  from.forEach((value, key) => {
    if (!reservedResponseHeaders.has(key)) to[key] = value;
  });
}

/** Fetch headers from an incoming HTTP/2 header block, without pseudo-headers. */
export function toFetchHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const key in headers) {
    if (key.charCodeAt(0) === 58 /* ':' */) continue;
    const value = headers[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) out.append(key, v);
    } else {
      out.append(key, String(value));
    }
  }
  return out;
}

/** The error carried by a trailer block (or trailers-only headers), if any. */
export function errorFromTrailers(block: IncomingHttpHeaders): ConnectError | undefined {
  const status = block["grpc-status"];
  if (status === "0" && block["grpc-status-details-bin"] === undefined) return undefined;
  if (status === undefined && block["grpc-status-details-bin"] === undefined) {
    return new ConnectError("protocol error: missing grpc-status", Code.Internal);
  }
  return findTrailerError(toFetchHeaders(block));
}

/** gRPC's mapping of HTTP status codes for responses that are not gRPC at all. */
export function codeFromHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}
