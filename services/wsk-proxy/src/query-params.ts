import { ErrorText, malformedQuery } from "./error-texts.js";

/** A query value, or the controller's 400 text for it (openwhisk-api.md §2–§4). */
export type QueryValue<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** Absent or empty is the default (the JS client may send a bare `?`); case-insensitive words. */
export function booleanParam(
  name: string,
  raw: string | undefined,
  fallback: boolean,
): QueryValue<boolean> {
  if (raw === undefined || raw === "") return { ok: true, value: fallback };
  const lower = raw.toLowerCase();
  if (lower === "true") return { ok: true, value: true };
  if (lower === "false") return { ok: true, value: false };
  return { ok: false, error: malformedQuery(name, `'${shown(raw)}' is not a valid Boolean value`) };
}

const INTEGER = /^-?\d{1,18}$/;
export const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 30;

/** Long garbage is echoed shortened: the text goes back to whoever sent it, and into no log. */
function shown(raw: string): string {
  return raw.length > 64 ? `${raw.slice(0, 64)}…` : raw;
}

/** `limit`: default 30, `0` means the maximum, above 200 refused. */
export function limitParam(raw: string | undefined, collection: string): QueryValue<number> {
  if (raw === undefined || raw === "") return { ok: true, value: DEFAULT_LIST_LIMIT };
  if (!INTEGER.test(raw)) {
    return {
      ok: false,
      error: malformedQuery(
        "limit",
        `The value '${shown(raw)}' is not an integer for ${collection}.`,
      ),
    };
  }
  const value = Number(raw);
  if (value < 0 || value > MAX_LIST_LIMIT) {
    return {
      ok: false,
      error: malformedQuery(
        "limit",
        `The value '${raw}' is not in the range of 0 to ${MAX_LIST_LIMIT} for ${collection}.`,
      ),
    };
  }
  return { ok: true, value: value === 0 ? MAX_LIST_LIMIT : value };
}

export function skipParam(raw: string | undefined, collection: string): QueryValue<number> {
  if (raw === undefined || raw === "") return { ok: true, value: 0 };
  if (!INTEGER.test(raw)) {
    return {
      ok: false,
      error: malformedQuery(
        "skip",
        `The value '${shown(raw)}' is not an integer for ${collection}.`,
      ),
    };
  }
  const value = Number(raw);
  if (value < 0) {
    return {
      ok: false,
      error: malformedQuery(
        "skip",
        `The value '${raw}' is not greater than or equal to 0 for ${collection}.`,
      ),
    };
  }
  return { ok: true, value };
}

/** The blocking wait, 1..60000 ms; undefined when not given. */
export function timeoutParam(raw: string | undefined): QueryValue<number | undefined> {
  if (raw === undefined || raw === "") return { ok: true, value: undefined };
  const value = Number(raw);
  if (!INTEGER.test(raw) || value < 1 || value > 60_000) {
    return { ok: false, error: malformedQuery("timeout", ErrorText.timeoutParameter) };
  }
  return { ok: true, value };
}

/** Epoch-millisecond bounds of activation listings. */
export function epochParam(name: string, raw: string | undefined): QueryValue<number | undefined> {
  if (raw === undefined || raw === "") return { ok: true, value: undefined };
  if (!INTEGER.test(raw)) {
    return {
      ok: false,
      error: malformedQuery(name, `'${shown(raw)}' is not a valid 64-bit signed integer value`),
    };
  }
  return { ok: true, value: Number(raw) };
}
