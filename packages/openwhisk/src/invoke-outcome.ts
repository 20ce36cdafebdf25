import {
  type ActivationRecord,
  type ErrorBody,
  isActivationRecord,
  isErrorBody,
} from "./api-types.js";

/**
 * What a completed invoke call gave. 502 and 500 can be normal outcomes here: a blocking
 * invocation whose action failed still produced an activation (openwhisk-api.md §2, §10.4).
 */
export type InvokeOutcome =
  /** 202: non-blocking, or blocking but not finished within the server's wait. */
  | {
      readonly kind: "accepted";
      readonly status: 202;
      readonly activationId: string;
      readonly body: { readonly activationId: string };
    }
  /** Blocking without `result`: the activation record (200, 502, or 500). */
  | {
      readonly kind: "activation";
      readonly status: number;
      readonly activationId: string | undefined;
      readonly body: ActivationRecord;
    }
  /** Blocking with `result`, or an array result (sent bare by newer servers either way). */
  | {
      readonly kind: "result";
      readonly status: number;
      readonly activationId: string | undefined;
      readonly body: unknown;
    };

export type InvokeClassification =
  | { readonly ok: true; readonly outcome: InvokeOutcome }
  | { readonly ok: false; readonly failure: "http"; readonly errorBody: ErrorBody | undefined }
  | { readonly ok: false; readonly failure: "protocol"; readonly reason: string };

export interface InvokeResponse {
  readonly status: number;
  /** `x-openwhisk-activation-id`, present whenever an activation exists. */
  readonly activationIdHeader: string | undefined;
  readonly json: unknown;
  readonly resultRequested: boolean;
}

function activationIdOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !("activationId" in json)) return undefined;
  return typeof json.activationId === "string" ? json.activationId : undefined;
}

/** Sorts an invoke response into an outcome, an OpenWhisk error, or a body we cannot use. */
export function classifyInvokeResponse(response: InvokeResponse): InvokeClassification {
  const { status, activationIdHeader, json, resultRequested } = response;
  if (status === 202) {
    const activationId = activationIdOf(json) ?? activationIdHeader;
    if (activationId === undefined) {
      return { ok: false, failure: "protocol", reason: "202 without an activation id" };
    }
    return {
      ok: true,
      outcome: { kind: "accepted", status, activationId, body: { activationId } },
    };
  }
  // A 500/502 is an activation when it says so (the header) or is not an `{error, code}` body;
  // otherwise it came from the platform or a gateway in front of it.
  const failedActivation =
    (status === 500 || status === 502) &&
    (activationIdHeader !== undefined || (json !== undefined && !isErrorBody(json)));
  if (status !== 200 && !failedActivation) {
    return { ok: false, failure: "http", errorBody: isErrorBody(json) ? json : undefined };
  }
  if (json === undefined) {
    return {
      ok: false,
      failure: "protocol",
      reason: `invoke answered ${status} without a JSON body`,
    };
  }
  const activationId = activationIdHeader ?? activationIdOf(json);
  if (!resultRequested && isActivationRecord(json)) {
    return { ok: true, outcome: { kind: "activation", status, activationId, body: json } };
  }
  return { ok: true, outcome: { kind: "result", status, activationId, body: json } };
}
