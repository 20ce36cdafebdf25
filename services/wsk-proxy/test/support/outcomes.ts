/** What a call through the official client came to: its value, or what it rejected with. */
export type CallOutcome =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly statusCode: number | undefined;
      /** The response body the client kept (`err.error`), or the raw body it rejected with. */
      readonly body: unknown;
    };

export async function outcomeOf(call: Promise<unknown>): Promise<CallOutcome> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    const e = error as { statusCode?: number; error?: unknown };
    // A 202 under `result: true` rejects with the raw body, not an OpenWhiskError.
    if (!(error instanceof Error)) return { ok: false, statusCode: undefined, body: error };
    return { ok: false, statusCode: e.statusCode, body: e.error };
  }
}

const ACTIVATION_ID = /^[0-9a-f]{32}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What two OpenWhisks must agree on for a client not to tell them apart: statuses, results, error
 * texts, the shape of records; not what differs between any two servers (ids, times, transaction
 * ids, action versions and kinds, which the domain does not carry).
 */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === "activationId" && typeof field === "string") {
      out[key] = ACTIVATION_ID.test(field) ? "<id>" : field;
    } else if (key === "code" && typeof field === "string") {
      out[key] = "<transaction id>";
    } else if (["start", "end", "duration", "updated"].includes(key) && typeof field === "number") {
      out[key] = "<time>";
    } else if (key === "annotations" && Array.isArray(field)) {
      // The invoker's path annotation is the one the domain knows; kind, limits, waits it does not.
      out[key] = field.filter((a) => isObject(a) && a.key === "path");
    } else if (key === "size" || key === "limits" || key === "exec" || key === "version") {
      out[key] = "<runtime detail>";
    } else {
      out[key] = comparable(field);
    }
  }
  return out;
}
