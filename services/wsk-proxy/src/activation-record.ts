import {
  type ActionName,
  type ActivationRecord,
  type ActivationStatus,
  entityPath,
  type Identity,
} from "@soe/openwhisk";

export interface ActivationFacts {
  readonly activationId: string;
  readonly caller: Identity;
  /** The action that ran, its namespace resolved. */
  readonly action: ActionName;
  /** Epoch ms: when the proxy sent the call, and when the answer came back. */
  readonly start: number;
  readonly end: number;
  readonly status: ActivationStatus;
  readonly result: unknown;
}

/**
 * The version OpenWhisk gives a new action. The domain does not carry versions (a wsk-computer
 * announces names only), so every record shows this one.
 */
export const UNKNOWN_VERSION = "0.0.1";

/**
 * An activation record in OpenWhisk's shape (openwhisk-api.md §2) for an invocation the proxy
 * made: its own id, the caller as namespace and subject, `name` without the package, and the
 * `path` annotation with it. Logs stay empty: the domain does not carry them back.
 */
export function buildActivationRecord(facts: ActivationFacts): ActivationRecord {
  const { activationId, caller, action, start, status, result } = facts;
  const end = Math.max(start, facts.end);
  return {
    activationId,
    namespace: caller.namespace,
    name: action.name,
    version: UNKNOWN_VERSION,
    subject: caller.subject,
    publish: false,
    start,
    end,
    duration: end - start,
    response: {
      result,
      size: (JSON.stringify(result) ?? "").length,
      status,
      success: status === "success",
    },
    logs: [],
    annotations: [
      { key: "path", value: `${action.namespace}/${entityPath(action)}` },
      { key: "waitTime", value: 0 },
      { key: "timeout", value: false },
    ],
  };
}
