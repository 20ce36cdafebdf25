import { ActivationStatus, isActivationStatus } from "./activation-status.js";
import { type ErrorBody, isErrorBody } from "./api-types.js";
import { InvalidActionNameError } from "./action-name.js";
import {
  OpenWhiskHttpError,
  OpenWhiskProtocolError,
  OpenWhiskTimeoutError,
  OpenWhiskUnreachableError,
} from "./errors.js";
import type { InvokeOutcome } from "./invoke-outcome.js";
import {
  formatWskRetcode,
  parseWskRetcode,
  RETCODE_OK,
  WskFailure,
} from "./lambda-outcome-retcode.js";

export {
  formatWskRetcode,
  isWskFailure,
  parseWskRetcode,
  RETCODE_OK,
  WskFailure,
  type WskRetcode,
} from "./lambda-outcome-retcode.js";

/**
 * How an OpenWhisk invocation travels back through the edge domain as a `LambdaResponse`
 * (`retcode` + `output`), and how a proxy reads it back: the two halves of the mapping in
 * packages/proto/proto/uiiit/rpc/wsk-outcomes.md. The wsk-computer calls {@link toLambdaReply},
 * the wsk-proxy {@link fromLambdaReply}; both are pure.
 */
export interface LambdaReply {
  readonly retcode: string;
  /** JSON text of what OpenWhisk answered (the result, `{activationId}`, `{error, code}`), or "". */
  readonly output: string;
}

/** What a proxy learns from a reply. `httpStatus` is what an OpenWhisk client should be answered. */
export type DecodedLambdaReply =
  | {
      readonly kind: "success";
      readonly httpStatus: 200;
      readonly activationStatus: typeof ActivationStatus.success;
      readonly result: unknown;
    }
  | {
      readonly kind: "application_error" | "developer_error" | "internal_error";
      readonly httpStatus: number;
      readonly activationStatus: ActivationStatus;
      readonly activationId: string | undefined;
      /** The action's result, normally `{error: ...}`. */
      readonly result: unknown;
    }
  | {
      readonly kind: "accepted";
      readonly httpStatus: 202;
      /** OpenWhisk's id of the activation still running. */
      readonly activationId: string;
      /**
       * The end-point of the wsk-computer whose OpenWhisk runs it, where its InstallationService
       * answers GetActivation; undefined from computers that do not say (reference peers).
       */
      readonly installation: string | undefined;
    }
  | {
      readonly kind: "not_found" | "unauthorized" | "rejected";
      readonly httpStatus: number;
      /** OpenWhisk's `error` text (its `code` is the upstream transaction id: mint a new one). */
      readonly error: string;
      readonly body: ErrorBody | undefined;
    }
  | {
      readonly kind:
        | "unreachable"
        | "timeout"
        | "protocol_error"
        | "bad_request"
        | "computer_error"
        | "foreign";
      readonly httpStatus: number;
      readonly error: string;
    };

/** `result` kinds of an activation, by its `response.status`. */
const activationFailures = {
  [ActivationStatus.applicationError]: WskFailure.applicationError,
  [ActivationStatus.developerError]: WskFailure.developerError,
  [ActivationStatus.internalError]: WskFailure.internalError,
} as const;

const statusOfFailure = {
  [WskFailure.applicationError]: ActivationStatus.applicationError,
  [WskFailure.developerError]: ActivationStatus.developerError,
  [WskFailure.internalError]: ActivationStatus.internalError,
} as const;

function json(value: unknown): string {
  return JSON.stringify(value) ?? "";
}

/** A completed activation: "OK" with the whole result, or its failure with the result kept. */
function activationReply(
  activationStatus: ActivationStatus,
  httpStatus: number,
  activationId: string | undefined,
  result: unknown,
): LambdaReply {
  const output = json(result ?? {});
  if (activationStatus === ActivationStatus.success) return { retcode: RETCODE_OK, output };
  const retcode = formatWskRetcode({
    outcome: activationFailures[activationStatus],
    status: httpStatus,
    activationId,
    detail: activationStatus,
  });
  return { retcode, output };
}

/** A bare result (blocking with `result=true`, or an array result): the HTTP status tells. */
function bareResultStatus(httpStatus: number): ActivationStatus {
  if (httpStatus === 200) return ActivationStatus.success;
  // Without the record, 502 cannot tell an application from a developer error; both are 502.
  return httpStatus === 500 ? ActivationStatus.internalError : ActivationStatus.developerError;
}

/** What the computer adds to a reply about itself. */
export interface LambdaReplyContext {
  /**
   * Its announced end-point: in an `accepted` output, where the activation's record can be read
   * later (soe.v1.InstallationService/GetActivation).
   */
  readonly installation?: string | undefined;
}

/** The reply for an invocation OpenWhisk answered with an activation, a result, or a 202. */
export function toLambdaReply(
  outcome: InvokeOutcome,
  context: LambdaReplyContext = {},
): LambdaReply {
  switch (outcome.kind) {
    case "accepted": {
      const { installation } = context;
      return {
        retcode: formatWskRetcode({
          outcome: WskFailure.accepted,
          status: 202,
          activationId: outcome.activationId,
          detail: "the action is still running",
        }),
        output: json({
          activationId: outcome.activationId,
          ...(installation === undefined || installation === "" ? {} : { installation }),
        }),
      };
    }
    case "activation": {
      const { response } = outcome.body;
      const status = isActivationStatus(response.status)
        ? response.status
        : bareResultStatus(outcome.status);
      const id = outcome.activationId ?? outcome.body.activationId;
      return activationReply(status, outcome.status, id, response.result);
    }
    case "result":
      return activationReply(
        bareResultStatus(outcome.status),
        outcome.status,
        outcome.activationId,
        outcome.body,
      );
  }
}

/** The reply for an invocation that failed: OpenWhisk refused it, or could not be reached. */
export function failureToLambdaReply(error: unknown): LambdaReply {
  if (error instanceof OpenWhiskHttpError) {
    const outcome =
      error.status === 404
        ? WskFailure.notFound
        : error.status === 401 || error.status === 403
          ? WskFailure.unauthorized
          : WskFailure.rejected;
    return {
      retcode: formatWskRetcode({
        outcome,
        status: error.status,
        detail: error.body?.error ?? "no OpenWhisk error body",
      }),
      output: error.body === undefined ? "" : json(error.body),
    };
  }
  if (error instanceof InvalidActionNameError) return badRequestReply(error.message);
  const outcome =
    error instanceof OpenWhiskUnreachableError
      ? WskFailure.unreachable
      : error instanceof OpenWhiskTimeoutError
        ? WskFailure.timeout
        : error instanceof OpenWhiskProtocolError
          ? WskFailure.protocolError
          : WskFailure.computerError;
  // OpenWhisk errors never carry the key (errors.ts); other errors are ours, with no secrets.
  const detail = error instanceof Error ? error.message : String(error);
  const status = error instanceof OpenWhiskProtocolError ? error.status : undefined;
  return { retcode: formatWskRetcode({ outcome, status, detail }), output: "" };
}

/** The reply for a request the computer refuses before calling OpenWhisk (bad name or input). */
export function badRequestReply(reason: string): LambdaReply {
  return {
    retcode: formatWskRetcode({ outcome: WskFailure.badRequest, status: 400, detail: reason }),
    output: "",
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The `installation` of an accepted output, when it is a non-empty string. */
function installationOf(output: string): string | undefined {
  const value = parseJson(output);
  if (typeof value !== "object" || value === null || !("installation" in value)) return undefined;
  const { installation } = value;
  return typeof installation === "string" && installation !== "" ? installation : undefined;
}

/**
 * An OK output as an OpenWhisk result: our computers send the result's JSON (an object or an
 * array); reference edgecomputerwsk and simulated computers send plain text, which the reference
 * proxy wrapped as `{"payload": text}` (reference §6.1 step 9), and so do we.
 */
function successResult(output: string): unknown {
  const value = parseJson(output);
  return typeof value === "object" && value !== null ? value : { payload: output };
}

/**
 * Statuses for outcomes where OpenWhisk gave no usable answer: what an OpenWhisk behind a gateway
 * would answer (503 unavailable, 504 gateway timeout, 502 bad gateway), OpenWhisk's own 400 for a
 * bad request, its 500 for an internal failure.
 */
const statusWithoutAnswer: Partial<Record<WskFailure, number>> = {
  [WskFailure.unreachable]: 503,
  [WskFailure.timeout]: 504,
  [WskFailure.protocolError]: 502,
  [WskFailure.badRequest]: 400,
  [WskFailure.computerError]: 500,
};

/**
 * Reads a reply back. Retcodes outside this grammar (a router's "No destinations found for the
 * entry", a reference edgecomputerwsk's texts) come back as `foreign`, with the 404 the
 * reference proxy answered to every non-OK retcode (reference §6.1 step 9).
 */
export function fromLambdaReply(retcode: string, output: string): DecodedLambdaReply {
  if (retcode === RETCODE_OK) {
    return {
      kind: "success",
      httpStatus: 200,
      activationStatus: ActivationStatus.success,
      result: successResult(output),
    };
  }
  const parsed = parseWskRetcode(retcode);
  const foreign = { kind: "foreign", httpStatus: 404, error: retcode } as const;
  if (parsed === undefined) return foreign;
  const { outcome, status, activationId, detail = "" } = parsed;
  switch (outcome) {
    case WskFailure.applicationError:
    case WskFailure.developerError:
    case WskFailure.internalError: {
      const activationStatus = statusOfFailure[outcome];
      const body = parseJson(output);
      return {
        kind: outcome,
        httpStatus: status ?? (outcome === WskFailure.internalError ? 500 : 502),
        activationStatus,
        activationId,
        result: body === undefined ? { error: detail || activationStatus } : body,
      };
    }
    case WskFailure.accepted:
      return activationId === undefined
        ? foreign
        : { kind: outcome, httpStatus: 202, activationId, installation: installationOf(output) };
    case WskFailure.notFound:
    case WskFailure.unauthorized:
    case WskFailure.rejected: {
      const body = parseJson(output);
      const errorBody = isErrorBody(body) ? body : undefined;
      const fallback = outcome === WskFailure.notFound ? 404 : 500;
      return {
        kind: outcome,
        httpStatus: status ?? fallback,
        error: errorBody?.error ?? detail,
        body: errorBody,
      };
    }
    default:
      // The status in such a retcode (a protocol error's 200, say) is only informative.
      return { kind: outcome, httpStatus: statusWithoutAnswer[outcome] ?? 500, error: detail };
  }
}
