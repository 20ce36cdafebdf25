/**
 * The text grammar of `LambdaResponse.retcode` for lambdas run on OpenWhisk (documented in
 * packages/proto/proto/uiiit/rpc/wsk-outcomes.md). The reference's retcode is "OK" or free text
 * (reference §1.2); ours stays "OK" on success, so routers and reference clients see nothing new,
 * and is otherwise a one-line text that a proxy can parse back and a human can read in a log:
 *
 *     wsk:<outcome>[ <status>][ <activation id>][: <detail>]
 *
 * e.g. `wsk:application_error 502 0123…cdef: application error`, `wsk:not_found 404: The
 * requested resource does not exist.`, `wsk:unreachable: connect ECONNREFUSED …`.
 */

/** Every failure outcome (success is the plain "OK"). */
export const WskFailure = {
  /** The action returned `{error}`: OpenWhisk 502, activation status "application error". */
  applicationError: "application_error",
  /** The action crashed or gave a bad result: 502, "action developer error". */
  developerError: "developer_error",
  /** OpenWhisk failed running it: 500, "whisk internal error". */
  internalError: "internal_error",
  /** Still running after the blocking wait: 202 with the activation id. */
  accepted: "accepted",
  /** OpenWhisk does not know the action (404). */
  notFound: "not_found",
  /** OpenWhisk refused the computer's key (401) or its access to the action (403). */
  unauthorized: "unauthorized",
  /** Any other OpenWhisk error answer (400, 413, 429, 500/503 `{error, code}`, …). */
  rejected: "rejected",
  /** No HTTP exchange with OpenWhisk happened (refused, reset, DNS, TLS). */
  unreachable: "unreachable",
  /** OpenWhisk did not answer within the computer's deadline. */
  timeout: "timeout",
  /** OpenWhisk answered something unusable (not JSON, too large, wrong shape). */
  protocolError: "protocol_error",
  /** The request could not be sent: invalid action name or input (what OpenWhisk answers 400 to). */
  badRequest: "bad_request",
  /** The computer itself failed unexpectedly. */
  computerError: "computer_error",
} as const;

export type WskFailure = (typeof WskFailure)[keyof typeof WskFailure];

const failures = new Set<string>(Object.values(WskFailure));

export function isWskFailure(value: string): value is WskFailure {
  return failures.has(value);
}

/** The only success retcode, as in the reference. */
export const RETCODE_OK = "OK";

export const RETCODE_PREFIX = "wsk:";

export interface WskRetcode {
  readonly outcome: WskFailure;
  /** HTTP status OpenWhisk answered (for `bad_request`: the 400 it would have answered). */
  readonly status?: number | undefined;
  /** 32 lowercase hex characters, as OpenWhisk makes them. */
  readonly activationId?: string | undefined;
  /** Human text on one line: the activation's `response.status`, OpenWhisk's `error`, a reason. */
  readonly detail?: string | undefined;
}

const MAX_DETAIL = 300;
const ACTIVATION_ID = /^[0-9a-f]{32}$/;
const RETCODE = /^wsk:([a-z_]+)(?: ([1-5]\d\d))?(?: ([0-9a-f]{32}))?(?:: (.*))?$/s;

/** Details stay on one line and short: the retcode is logged, and the full body is in `output`. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

/** Formats a failure retcode; fields that do not fit the grammar are left out, never mangled. */
export function formatWskRetcode(retcode: WskRetcode): string {
  let text = RETCODE_PREFIX + retcode.outcome;
  const { status, activationId } = retcode;
  if (status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599) {
    text += ` ${status}`;
  }
  if (activationId !== undefined && ACTIVATION_ID.test(activationId)) text += ` ${activationId}`;
  const detail = retcode.detail === undefined ? "" : oneLine(retcode.detail);
  if (detail !== "") text += `: ${detail}`;
  return text;
}

/** Parses a failure retcode of this grammar; undefined for "OK" and for any other text. */
export function parseWskRetcode(retcode: string): WskRetcode | undefined {
  const match = RETCODE.exec(retcode);
  if (match === null) return undefined;
  const [, outcome = "", status, activationId, detail] = match;
  if (!isWskFailure(outcome)) return undefined;
  return {
    outcome,
    ...(status === undefined ? {} : { status: Number(status) }),
    ...(activationId === undefined ? {} : { activationId }),
    ...(detail === undefined ? {} : { detail }),
  };
}
