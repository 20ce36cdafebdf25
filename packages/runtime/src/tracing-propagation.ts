/**
 * W3C Trace Context (www.w3.org/TR/trace-context) for our hops, without the SDK: parsing and
 * formatting `traceparent`, bounding `tracestate`, and reading both from HTTP headers or
 * gRPC/Connect metadata. gRPC metadata are HTTP/2 headers, so one pair of names serves both;
 * peers that do not know them (the reference's C++ servers) ignore unknown metadata.
 */

export const TRACEPARENT = "traceparent";
export const TRACESTATE = "tracestate";

/** A caller's span, as its `traceparent` names it. */
export interface RemoteParent {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  readonly spanId: string;
  readonly sampled: boolean;
  /** The caller's `tracestate`, passed on as is (bounded); "" when none. */
  readonly traceState: string;
}

/** Looks a header up by its lowercase name: `(n) => headers.get(n)`, `(n) => c.req.header(n)`. */
export type HeaderLookup = (name: string) => string | null | undefined;

const TRACEPARENT_FORM = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "00000000000000000000000000000000";
const ZERO_SPAN = "0000000000000000";
/** The specification lets a vendor drop a tracestate longer than 512 characters. */
export const MAX_TRACESTATE_LENGTH = 512;

/**
 * A `traceparent` value, or undefined when it is absent or invalid (the specification: an
 * invalid one is ignored and a new trace starts). Version ff is invalid; a higher version than
 * 00 is read by its first four fields, as the specification asks of a version 00 parser.
 */
export function parseTraceparent(
  value: string | null | undefined,
  tracestate?: string | null,
): RemoteParent | undefined {
  if (value === undefined || value === null) return undefined;
  const match = TRACEPARENT_FORM.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === "ff") return undefined;
  // Version 00 has exactly four fields.
  if (version === "00" && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return {
    traceId,
    spanId,
    sampled: (Number.parseInt(flags, 16) & 1) === 1,
    traceState: boundedTracestate(tracestate),
  };
}

/** `00-<trace>-<span>-<flags>` */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? "01" : "00"}`;
}

/** A caller's tracestate, dropped when too long or not printable (it is passed on as a header). */
export function boundedTracestate(value: string | null | undefined): string {
  if (value === undefined || value === null) return "";
  const trimmed = value.trim();
  if (trimmed.length > MAX_TRACESTATE_LENGTH || !/^[\x20-\x7e]*$/.test(trimmed)) return "";
  return trimmed;
}

/** Reads a caller's trace context from HTTP headers or gRPC/Connect metadata. */
export function extractRemoteParent(lookup: HeaderLookup): RemoteParent | undefined {
  const traceparent = lookup(TRACEPARENT);
  if (traceparent === undefined || traceparent === null) return undefined;
  return parseTraceparent(traceparent, lookup(TRACESTATE));
}

/** The headers (or metadata) that carry a span on to the next hop. */
export function traceHeaders(parent: RemoteParent): Record<string, string> {
  const headers: Record<string, string> = {
    [TRACEPARENT]: formatTraceparent(parent.traceId, parent.spanId, parent.sampled),
  };
  if (parent.traceState !== "") headers[TRACESTATE] = parent.traceState;
  return headers;
}
