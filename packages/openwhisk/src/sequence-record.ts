import type { ActionLimits, ActivationRecord, KeyValue } from "./api-types.js";
import { SEQUENCE_KIND } from "./entity-document.js";
import type { SequenceAccounting } from "./sequence-run.js";

/** On every activation a sequence caused (its components, inner sequences included). */
export const CAUSED_BY_SEQUENCE: KeyValue = { key: "causedBy", value: SEQUENCE_KIND };

export interface SequenceRecordFacts {
  readonly activationId: string;
  /** The invoking subject and its namespace (never `ns/pkg`). */
  readonly caller: { readonly namespace: string; readonly subject: string };
  /** The sequence's name without its package, and its `path` annotation (`ns[/pkg]/name`). */
  readonly name: string;
  readonly path: string;
  readonly version: string;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  /** ms between being accepted and starting. */
  readonly waitTime: number;
  readonly accounting: SequenceAccounting;
  /** The enclosing sequence's activation id; undefined for the topmost sequence. */
  readonly cause?: string | undefined;
  /** `ns/binding`, when invoked through a package binding. */
  readonly binding?: string | undefined;
  /** The sequence action's own limits: its record's `limits` take their timeout and logs. */
  readonly limits?: ActionLimits | undefined;
}

/**
 * The record OpenWhisk stores for a sequence (SequenceActions.makeSequenceActivation): the last
 * response, the components' activation ids as `logs`, `duration` the sum of theirs; annotations
 * `topmost` (true only on the outermost), `path`, `kind: sequence`, `causedBy` on an inner one,
 * `waitTime`, `binding`, and `limits` with the largest memory among the components when any
 * told it. An inner sequence carries its enclosing sequence's id as `cause`.
 */
export function sequenceRecord(facts: SequenceRecordFacts): ActivationRecord {
  const { accounting, cause } = facts;
  const topmost = cause === undefined;
  const annotations: KeyValue[] = [
    { key: "topmost", value: topmost },
    { key: "path", value: facts.path },
    { key: "kind", value: SEQUENCE_KIND },
  ];
  if (!topmost) annotations.push(CAUSED_BY_SEQUENCE);
  annotations.push({ key: "waitTime", value: Math.max(0, facts.waitTime) });
  if (facts.binding !== undefined) annotations.push({ key: "binding", value: facts.binding });
  if (accounting.maxMemory !== undefined) {
    annotations.push({ key: "limits", value: { ...facts.limits, memory: accounting.maxMemory } });
  }
  const { response } = accounting;
  return {
    activationId: facts.activationId,
    namespace: facts.caller.namespace,
    name: facts.name,
    version: facts.version,
    subject: facts.caller.subject,
    publish: false,
    start: facts.start,
    end: Math.max(facts.start, facts.end),
    duration: accounting.duration,
    ...(topmost ? {} : { cause }),
    response: {
      ...response,
      size: response.size ?? (JSON.stringify(response.result) ?? "").length,
    },
    logs: [...accounting.logs],
    annotations,
  };
}

/** The memory of a record's `limits` annotation, MB, when it has one. */
export function memoryLimitOf(annotations: readonly KeyValue[]): number | undefined {
  const limits = annotations.find((a) => a.key === "limits")?.value;
  if (typeof limits !== "object" || limits === null) return undefined;
  const memory = (limits as { memory?: unknown }).memory;
  return typeof memory === "number" ? memory : undefined;
}
