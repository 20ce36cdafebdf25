import type { ActivationRecord, KeyValue } from "@soe/openwhisk";

/**
 * Where an accepted invocation's record will come from: OpenWhisk's own activation id on the
 * installation that runs it, whose wsk-computer answers InstallationService/GetActivation.
 */
export interface BackendActivation {
  /** OpenWhisk's id, not the proxy's. */
  readonly activationId: string;
  /** The wsk-computer's announced end-point. */
  readonly installation: string;
}

/**
 * The annotation that marks a stored record as pending. A pending record is kept in the
 * activation store under the proxy's id like any other (the store upserts by id, so the final
 * record replaces it), but it is never shown: OpenWhisk has no record of an unfinished
 * activation (404, openwhisk-api.md §4), and neither does the proxy until the backend has one.
 */
export const PENDING_ANNOTATION = "soe-pending";

/**
 * The pending record of an accepted invocation: the proxy's facts (its id, the caller, the
 * action's path), no result yet, and where to fetch the rest.
 */
export function pendingRecord(
  placeholder: ActivationRecord,
  backend: BackendActivation,
): ActivationRecord {
  const { end: _end, duration: _duration, ...started } = placeholder;
  return {
    ...started,
    logs: [],
    annotations: [
      ...placeholder.annotations.filter((a) => a.key !== PENDING_ANNOTATION),
      { key: PENDING_ANNOTATION, value: { ...backend } },
    ],
  };
}

function isBackendActivation(value: unknown): value is BackendActivation {
  if (typeof value !== "object" || value === null) return false;
  const { activationId, installation } = value as Record<string, unknown>;
  return typeof activationId === "string" && typeof installation === "string";
}

/**
 * The annotation that marks a stored record whose logs were not read yet: the record of a call
 * answered at once (the RunLambda reply carries no logs), whose backend record, if an OpenWhisk
 * ran it, is read the first time a client asks for the activation. Never shown either.
 */
export const LOGS_UNREAD_ANNOTATION = "soe-logs-unread";

export function withLogsUnread(record: ActivationRecord): ActivationRecord {
  return {
    ...record,
    annotations: [...record.annotations, { key: LOGS_UNREAD_ANNOTATION, value: true }],
  };
}

export function logsUnread(record: ActivationRecord): boolean {
  return record.annotations.some((a) => a.key === LOGS_UNREAD_ANNOTATION);
}

/** The record as a client sees it: without the proxy's own marks. */
export function withoutMarks(record: ActivationRecord): ActivationRecord {
  const marked = record.annotations.some(
    (a) => a.key === LOGS_UNREAD_ANNOTATION || a.key === PENDING_ANNOTATION,
  );
  if (!marked) return record;
  return {
    ...record,
    annotations: record.annotations.filter(
      (a) => a.key !== LOGS_UNREAD_ANNOTATION && a.key !== PENDING_ANNOTATION,
    ),
  };
}

/**
 * A record answered at once, with what its backend's record adds: the logs, and the action's
 * `kind`, `limits` and `initTime` when the proxy did not know them. The rest stays as its caller
 * was answered (OpenWhisk's blocking answer and its later GET differ in the logs only).
 */
export function withBackendDetails(
  record: ActivationRecord,
  backend: ActivationRecord,
): ActivationRecord {
  const shown = withoutMarks(record);
  const keys = new Set(shown.annotations.map((a) => a.key));
  const added: KeyValue[] = [];
  const annotations: unknown = backend.annotations;
  for (const annotation of Array.isArray(annotations) ? annotations : []) {
    const key = annotation?.key;
    if ((ACTION_ANNOTATIONS.has(key) || key === "initTime") && !keys.has(key)) {
      added.push(annotation);
      keys.add(key);
    }
  }
  const logs: unknown = backend.logs;
  return {
    ...shown,
    logs: Array.isArray(logs) ? logs.filter((line) => typeof line === "string") : [],
    annotations: [...shown.annotations, ...added],
  };
}

/** The backend of a pending record; undefined for a final one. */
export function pendingOf(record: ActivationRecord): BackendActivation | undefined {
  const value = record.annotations.find((a) => a.key === PENDING_ANNOTATION)?.value;
  return isBackendActivation(value) ? value : undefined;
}

/**
 * Annotations taken from the backend's record (openwhisk-api.md §2): how it ran, which only the
 * backend knows, and what ran (`kind`, `limits`) unless the domain said already (action-facts.ts).
 * `path` stays the proxy's (the name its client used); parent links (`causedBy`) name backend
 * ids the caller never saw.
 */
const RUN_ANNOTATIONS = new Set(["timeout", "waitTime", "initTime"]);
const ACTION_ANNOTATIONS = new Set(["kind", "limits"]);

/**
 * The final record of a pending one, from the backend's: the proxy's id, namespace, subject,
 * name and path, with the backend's version, times, response, logs and annotations.
 */
export function completeRecord(
  pending: ActivationRecord,
  backend: ActivationRecord,
): ActivationRecord {
  const kept = new Map<string, KeyValue>();
  for (const annotation of withoutMarks(pending).annotations) {
    kept.set(annotation.key, annotation);
  }
  // The domain's facts (a version of its own, `limits`) win over an installation's copy.
  const domainKnows = kept.has("limits");
  // The backend is another program: every field it may lack or mistype falls back to ours.
  const annotations: unknown = backend.annotations;
  for (const annotation of Array.isArray(annotations) ? annotations : []) {
    const key = annotation?.key;
    if (RUN_ANNOTATIONS.has(key) || (ACTION_ANNOTATIONS.has(key) && !kept.has(key))) {
      kept.set(key, annotation);
    }
  }
  const start = finite(backend.start) ?? pending.start;
  const backendEnd = finite(backend.end);
  const end = backendEnd !== undefined && backendEnd >= start ? backendEnd : start;
  const logs: unknown = backend.logs;
  return {
    activationId: pending.activationId,
    namespace: pending.namespace,
    name: pending.name,
    version:
      !domainKnows && typeof backend.version === "string" && backend.version !== ""
        ? backend.version
        : pending.version,
    subject: pending.subject,
    publish: pending.publish,
    start,
    end,
    duration: finite(backend.duration) ?? end - start,
    // A sequence's component: its parent is the proxy's sequence, not a backend id.
    ...(pending.cause === undefined ? {} : { cause: pending.cause }),
    response: backend.response,
    logs: Array.isArray(logs) ? logs.filter((line) => typeof line === "string") : [],
    annotations: [...kept.values()],
  };
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
