import {
  type ActivationRecord,
  CAUSED_BY_SEQUENCE,
  type Identity,
  type KeyValue,
  SEQUENCE_KIND,
} from "@soe/openwhisk";
import type { RunOutcome } from "./run-outcome.js";
import type { StoredAction } from "./entity-store.js";
import { qualifiedPath } from "./entity-views.js";

export interface ActivationFacts {
  readonly activationId: string;
  readonly action: StoredAction;
  readonly caller: Identity;
  /** Epoch ms: accepted, started running, finished. */
  readonly accepted: number;
  readonly start: number;
  readonly end: number;
  readonly outcome: RunOutcome;
  /** The sequence's activation id, for a component of one. */
  readonly cause?: string | undefined;
  /** `ns/binding`, when the action was reached through a package binding. */
  readonly binding?: string | undefined;
  /** Set for a sequence: its components' activation ids. */
  readonly components?: readonly string[] | undefined;
  /**
   * The W3C `traceparent` the invocation came with. Ours only (real OpenWhisk does not record
   * it): tests read it back to see that a caller's trace reached OpenWhisk (issue 14).
   */
  readonly traceparent?: string | undefined;
}

/** The record OpenWhisk stores for a finished action activation (openwhisk-api.md §2). */
export function buildActivationRecord(facts: ActivationFacts): ActivationRecord {
  const { activationId, action, caller, accepted, start, end, outcome, cause } = facts;
  const annotations: KeyValue[] = [];
  // A sequence's component (the sequence's own record is @soe/openwhisk's sequenceRecord).
  if (cause !== undefined) annotations.push(CAUSED_BY_SEQUENCE);
  annotations.push(
    { key: "path", value: qualifiedPath(action) },
    { key: "waitTime", value: Math.max(0, start - accepted) },
    { key: "kind", value: action.exec.kind },
  );
  annotations.push({ key: "timeout", value: outcome.timedOut });
  annotations.push({ key: "limits", value: action.limits });
  if (facts.binding !== undefined) annotations.push({ key: "binding", value: facts.binding });
  if (facts.traceparent !== undefined) {
    annotations.push({ key: "traceparent", value: facts.traceparent });
  }
  return {
    activationId,
    // The invoking subject's namespace, never `ns/pkg`.
    namespace: caller.namespace,
    name: action.name,
    version: action.version,
    subject: caller.subject,
    publish: false,
    start,
    end,
    duration: Math.max(0, end - start),
    ...(cause === undefined ? {} : { cause }),
    response: {
      result: outcome.result,
      size: outcome.size,
      status: outcome.status,
      success: outcome.status === "success",
    },
    logs: outcome.logs,
    annotations,
  };
}

/**
 * Blocking replies carry no logs: OpenWhisk collects them after answering. A sequence's are its
 * components' activation ids, known when it ends, and its blocking reply has them.
 */
export function withoutLogs(record: ActivationRecord): ActivationRecord {
  const sequence = record.annotations.some((a) => a.key === "kind" && a.value === SEQUENCE_KIND);
  return sequence ? record : { ...record, logs: [] };
}
