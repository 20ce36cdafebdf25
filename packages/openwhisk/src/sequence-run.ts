import { ActivationStatus } from "./activation-status.js";
import type { ActivationResponse } from "./api-types.js";
import { MAX_SEQUENCE_LENGTH } from "./entity-document.js";

/** OpenWhisk's texts for sequences (Messages.scala), at create and at invoke time. */
export const SequenceErrorText = {
  componentMissing: "Sequence component does not exist.",
  tooLong: "Too many actions in the sequence.",
  cyclic: "Sequence may not refer to itself.",
  failed: "Sequence failed.",
} as const;

/** A component that did not finish within its wait: OpenWhisk's whisk error, naming its id. */
export function componentTimeoutText(activationId: string): string {
  return `Timeout reached when retrieving activation ${activationId} for sequence component.`;
}

/**
 * How one component of a sequence ended, as its runner reports it:
 * - `activation`: it ran (or, for an inner sequence, completed) and has a record;
 *   `atomicCount` is the count of atomic actions run since the topmost sequence began, this one
 *   (or the inner sequence's) included;
 * - `missing`: no such action (OpenWhisk's NoDocumentException): an application error;
 * - `still-running`: it was accepted but did not finish in time: a whisk error naming its id;
 * - `failed`: anything else that left no record: a whisk error.
 */
export type ComponentOutcome =
  | {
      readonly kind: "activation";
      readonly activationId: string;
      readonly response: ActivationResponse;
      readonly atomicCount: number;
      /** The component's `duration`, ms, when its record has one. */
      readonly duration?: number | undefined;
      /** The `memory` of its `limits` annotation, MB, when known. */
      readonly memory?: number | undefined;
    }
  | { readonly kind: "missing" }
  | { readonly kind: "still-running"; readonly activationId: string }
  | { readonly kind: "failed" };

/** Runs one component: the fully-qualified name, its input, atomic actions run so far. */
export type ComponentRunner = (
  component: string,
  input: Readonly<Record<string, unknown>>,
  atomicCount: number,
) => Promise<ComponentOutcome>;

/** What a sequence came to: its record's response, logs, duration and memory. */
export interface SequenceAccounting {
  /** The last component's response, or the failure that ended the sequence. */
  readonly response: ActivationResponse;
  /** The components' activation ids, in order: the sequence record's `logs`. */
  readonly logs: readonly string[];
  /** Atomic actions run since the topmost sequence began (this sequence's included). */
  readonly atomicCount: number;
  /** Sum of the components' durations, ms: OpenWhisk's "user" time of the sequence. */
  readonly duration: number;
  /** Largest memory limit among the components, MB; undefined when none told. */
  readonly maxMemory: number | undefined;
}

export interface SequenceRunOptions {
  /** Atomic actions run before this sequence began (0 for the topmost one). */
  readonly atomicCount?: number;
  /** Atomic actions allowed in one topmost sequence, nested ones counted (OpenWhisk: 50). */
  readonly limit?: number;
}

function failure(status: ActivationStatus, error: string): ActivationResponse {
  const result = { error };
  return { status, success: false, result, size: JSON.stringify(result).length };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * OpenWhisk's sequence (SequenceActions.scala): the components run one after another, the first
 * with the sequence's input, each next one with the result before it. A result with an `error`
 * field ends the sequence with that component's response; so does a missing component (an
 * application error), one that never finished or failed to run (whisk errors), and the limit
 * of atomic actions, counted across nested sequences and checked before each component.
 */
export async function runSequence(
  components: readonly string[],
  input: Readonly<Record<string, unknown>>,
  run: ComponentRunner,
  options: SequenceRunOptions = {},
): Promise<SequenceAccounting> {
  const limit = options.limit ?? MAX_SEQUENCE_LENGTH;
  let atomicCount = options.atomicCount ?? 0;
  const logs: string[] = [];
  let duration = 0;
  let maxMemory: number | undefined;
  // The input, boxed as a response: what an empty run would answer (OpenWhisk's placeholder).
  let response: ActivationResponse = {
    status: ActivationStatus.success,
    success: true,
    result: input,
  };
  const done = () => ({ response, logs, atomicCount, duration, maxMemory });

  for (const component of components) {
    if (atomicCount >= limit) {
      response = failure(ActivationStatus.applicationError, SequenceErrorText.tooLong);
      return done();
    }
    const next = isObject(response.result) ? response.result : {};
    let outcome: ComponentOutcome;
    try {
      outcome = await run(component, next, atomicCount);
    } catch {
      outcome = { kind: "failed" };
    }
    switch (outcome.kind) {
      case "missing":
        response = failure(ActivationStatus.applicationError, SequenceErrorText.componentMissing);
        return done();
      case "still-running":
        logs.push(outcome.activationId);
        response = failure(
          ActivationStatus.internalError,
          componentTimeoutText(outcome.activationId),
        );
        return done();
      case "failed":
        response = failure(ActivationStatus.internalError, SequenceErrorText.failed);
        return done();
      case "activation":
        break;
    }
    logs.push(outcome.activationId);
    atomicCount = outcome.atomicCount;
    duration += outcome.duration ?? 0;
    if (outcome.memory !== undefined) maxMemory = Math.max(maxMemory ?? 0, outcome.memory);
    response = outcome.response;
    if (atomicCount > limit) {
      // Defensive, as OpenWhisk's: an inner sequence went past the limit.
      response = failure(ActivationStatus.applicationError, SequenceErrorText.tooLong);
      return done();
    }
    // OpenWhisk stops at an `error` field in the result, whatever the status says.
    if (isObject(response.result) && "error" in response.result) return done();
    if (!response.success) return done();
  }
  return done();
}
