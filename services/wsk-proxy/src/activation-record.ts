import {
  type ActionName,
  CAUSED_BY_SEQUENCE,
  type ActivationRecord,
  type ActivationStatus,
  entityPath,
  type Identity,
  type KeyValue,
} from "@soe/openwhisk";
import type { ActionFacts } from "./action-facts.js";

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
  /** The action's version, kind and limits, when the domain knows them (action-facts.ts). */
  readonly actionFacts?: ActionFacts | undefined;
  /** The sequence's activation id, for a component of one (sequence-invoker.ts). */
  readonly cause?: string | undefined;
}

/**
 * The version OpenWhisk gives a new action: what a record shows when the domain does not know
 * the action's own (a wsk-computer announces names only; the controller knows the versions of
 * the actions deployed through it).
 */
export const UNKNOWN_VERSION = "0.0.1";

/**
 * An activation record in OpenWhisk's shape (openwhisk-api.md §2) for an invocation the proxy
 * made: its own id, the caller as namespace and subject, `name` without the package, and the
 * `path` annotation with it, and the `kind` and `limits` annotations when the action's facts are
 * known. Logs stay empty: a RunLambda reply does not carry them (an accepted invocation's record
 * is completed from its backend instead, logs included: pending-activation.ts).
 */
export function buildActivationRecord(facts: ActivationFacts): ActivationRecord {
  const { activationId, caller, action, start, status, result } = facts;
  const known = facts.actionFacts;
  const end = Math.max(start, facts.end);
  // OpenWhisk's order (openwhisk-api.md §2), though order is not significant.
  const { cause } = facts;
  const annotations: KeyValue[] = [
    ...(cause === undefined ? [] : [CAUSED_BY_SEQUENCE]),
    { key: "path", value: `${action.namespace}/${entityPath(action)}` },
    { key: "waitTime", value: 0 },
  ];
  if (known?.kind !== undefined) annotations.push({ key: "kind", value: known.kind });
  annotations.push({ key: "timeout", value: false });
  if (known !== undefined) annotations.push({ key: "limits", value: { ...known.limits } });
  return {
    activationId,
    namespace: caller.namespace,
    name: action.name,
    version: known?.version || UNKNOWN_VERSION,
    subject: caller.subject,
    publish: false,
    start,
    end,
    duration: end - start,
    ...(cause === undefined ? {} : { cause }),
    response: {
      result,
      size: (JSON.stringify(result) ?? "").length,
      status,
      success: status === "success",
    },
    logs: [],
    annotations,
  };
}
