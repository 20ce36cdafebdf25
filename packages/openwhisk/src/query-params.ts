import { ErrorText, malformedQuery } from "./error-texts.js";

/** A query value, or the controller's 400 text for it (openwhisk-api.md §2–§4). */
export type QueryValue<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** One query parameter by name, undefined when absent (hono's `c.req.query`). */
export type QueryLookup = (name: string) => string | undefined;

/**
 * Bounds a server may put on what it reads and echoes, beyond OpenWhisk's rules: the
 * openwhisk-mock reads without them, the wsk-proxy (facing any client) with both.
 */
export interface QueryBounds {
  /** Integers with more digits are "not an integer" (18: every one fits 64 bits signed). */
  readonly maxIntegerDigits?: number;
  /** Longer values are echoed in error texts cut to this many characters and `…`. */
  readonly maxEchoedLength?: number;
}

export const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 30;

/** `?limit&skip&count` of a collection listing. */
export interface ListQuery {
  readonly limit: number;
  readonly skip: number;
  readonly count: boolean;
}

/** `?blocking&result&timeout` of an invocation. */
export interface InvokeQuery {
  readonly blocking: boolean;
  readonly result: boolean;
  /** Milliseconds; undefined when not given. */
  readonly timeout: number | undefined;
}

/** `?limit&skip&since&upto&docs&count&name` of an activation listing. */
export interface ActivationListQuery extends ListQuery {
  readonly since: number | undefined;
  readonly upto: number | undefined;
  readonly docs: boolean;
  /** An action name, with or without its package, as given. */
  readonly name: string | undefined;
}

/** OpenWhisk's parameter parsers, within the given bounds. */
export interface QueryParams {
  booleanParam(name: string, raw: string | undefined, fallback: boolean): QueryValue<boolean>;
  limitParam(raw: string | undefined, collection: string): QueryValue<number>;
  skipParam(raw: string | undefined, collection: string): QueryValue<number>;
  timeoutParam(raw: string | undefined): QueryValue<number | undefined>;
  epochParam(name: string, raw: string | undefined): QueryValue<number | undefined>;
  /** The parameters in the controller's order; the first malformed one is the 400. */
  listQuery(query: QueryLookup, collection: string): QueryValue<ListQuery>;
  invokeQuery(query: QueryLookup): QueryValue<InvokeQuery>;
  activationListQuery(query: QueryLookup): QueryValue<ActivationListQuery>;
}

/** OpenWhisk's query rules: case-insensitive booleans, `limit`/`skip`/`count`, timeouts, epochs. */
export function queryParams(bounds: QueryBounds = {}): QueryParams {
  const integer =
    bounds.maxIntegerDigits === undefined
      ? /^-?\d+$/
      : new RegExp(`^-?\\d{1,${bounds.maxIntegerDigits}}$`);
  const maxEchoed = bounds.maxEchoedLength ?? Number.POSITIVE_INFINITY;
  // The text goes back to whoever sent the value; bounded, long garbage is not sent back whole.
  const shown = (raw: string) => (raw.length > maxEchoed ? `${raw.slice(0, maxEchoed)}…` : raw);
  const malformed = (name: string, detail: string) =>
    ({ ok: false, error: malformedQuery(name, detail) }) as const;
  const notAnInteger = (name: string, raw: string, collection: string) =>
    malformed(name, `The value '${shown(raw)}' is not an integer for ${collection}.`);

  /** Absent or empty is the default (the JS client may send a bare `?`); case-insensitive words. */
  const booleanParam = (
    name: string,
    raw: string | undefined,
    fallback: boolean,
  ): QueryValue<boolean> => {
    if (raw === undefined || raw === "") return { ok: true, value: fallback };
    const lower = raw.toLowerCase();
    if (lower === "true") return { ok: true, value: true };
    if (lower === "false") return { ok: true, value: false };
    return malformed(name, `'${shown(raw)}' is not a valid Boolean value`);
  };

  /** `limit`: default 30, `0` means the maximum, above 200 refused. */
  const limitParam = (raw: string | undefined, collection: string): QueryValue<number> => {
    if (raw === undefined || raw === "") return { ok: true, value: DEFAULT_LIST_LIMIT };
    if (!integer.test(raw)) return notAnInteger("limit", raw, collection);
    const value = Number(raw);
    if (value < 0 || value > MAX_LIST_LIMIT) {
      return malformed(
        "limit",
        `The value '${shown(raw)}' is not in the range of 0 to ${MAX_LIST_LIMIT} for ${collection}.`,
      );
    }
    return { ok: true, value: value === 0 ? MAX_LIST_LIMIT : value };
  };

  const skipParam = (raw: string | undefined, collection: string): QueryValue<number> => {
    if (raw === undefined || raw === "") return { ok: true, value: 0 };
    if (!integer.test(raw)) return notAnInteger("skip", raw, collection);
    const value = Number(raw);
    if (value < 0) {
      return malformed(
        "skip",
        `The value '${shown(raw)}' is not greater than or equal to 0 for ${collection}.`,
      );
    }
    return { ok: true, value };
  };

  /** The blocking wait, 1..60000 ms; undefined when not given. */
  const timeoutParam = (raw: string | undefined): QueryValue<number | undefined> => {
    if (raw === undefined || raw === "") return { ok: true, value: undefined };
    const value = Number(raw);
    if (!integer.test(raw) || value < 1 || value > 60_000) {
      return malformed("timeout", ErrorText.timeoutParameter);
    }
    return { ok: true, value };
  };

  /** Epoch-millisecond bounds of activation listings. */
  const epochParam = (name: string, raw: string | undefined): QueryValue<number | undefined> => {
    if (raw === undefined || raw === "") return { ok: true, value: undefined };
    if (!integer.test(raw)) {
      return malformed(name, `'${shown(raw)}' is not a valid 64-bit signed integer value`);
    }
    return { ok: true, value: Number(raw) };
  };

  return {
    booleanParam,
    limitParam,
    skipParam,
    timeoutParam,
    epochParam,

    listQuery(query, collection) {
      const limit = limitParam(query("limit"), collection);
      if (!limit.ok) return limit;
      const skip = skipParam(query("skip"), collection);
      if (!skip.ok) return skip;
      const count = booleanParam("count", query("count"), false);
      if (!count.ok) return count;
      return { ok: true, value: { limit: limit.value, skip: skip.value, count: count.value } };
    },

    invokeQuery(query) {
      const blocking = booleanParam("blocking", query("blocking"), false);
      if (!blocking.ok) return blocking;
      const result = booleanParam("result", query("result"), false);
      if (!result.ok) return result;
      const timeout = timeoutParam(query("timeout"));
      if (!timeout.ok) return timeout;
      return {
        ok: true,
        value: { blocking: blocking.value, result: result.value, timeout: timeout.value },
      };
    },

    activationListQuery(query) {
      const limit = limitParam(query("limit"), "activations");
      if (!limit.ok) return limit;
      const skip = skipParam(query("skip"), "activations");
      if (!skip.ok) return skip;
      const since = epochParam("since", query("since"));
      if (!since.ok) return since;
      const upto = epochParam("upto", query("upto"));
      if (!upto.ok) return upto;
      const docs = booleanParam("docs", query("docs"), false);
      if (!docs.ok) return docs;
      const count = booleanParam("count", query("count"), false);
      if (!count.ok) return count;
      if (count.value && docs.value) return { ok: false, error: ErrorText.countWithDocs };
      return {
        ok: true,
        value: {
          limit: limit.value,
          skip: skip.value,
          since: since.value,
          upto: upto.value,
          docs: docs.value,
          count: count.value,
          name: query("name"),
        },
      };
    },
  };
}

/** The parsers without bounds (the openwhisk-mock's). */
export const {
  booleanParam,
  limitParam,
  skipParam,
  timeoutParam,
  epochParam,
  listQuery,
  invokeQuery,
  activationListQuery,
} = queryParams();
