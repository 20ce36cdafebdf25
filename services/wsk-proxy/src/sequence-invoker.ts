import {
  type ActionName,
  type ActivationRecord,
  blockingInvokeHttpStatus,
  type ComponentOutcome,
  entityPath,
  formatActionName,
  type Identity,
  MAX_SEQUENCE_LENGTH,
  memoryLimitOf,
  newActivationId,
  runSequence,
  type SequenceAccounting,
  sequenceRecord,
} from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import type { ActionFacts } from "./action-facts.js";
import type { ActionLister } from "./action-lister.js";
import type { ActivationStore } from "./activation-store.js";
import type { DomainInvoker, FinalOutcome, Invocation, StartRefusal } from "./domain-invoker.js";
import { type ComponentSources, componentAccess, resolveComponent } from "./sequence-components.js";

/** A sequence the domain holds, as its facts tell it. */
export type SequenceFacts = ActionFacts & { readonly components: readonly string[] };

export interface SequenceRequest {
  readonly caller: Identity;
  /** The sequence, its namespace resolved. */
  readonly action: ActionName;
  readonly sequence: SequenceFacts;
  /** The request's payload: OpenWhisk gives a sequence no defaults of its own. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface SequenceInvokerOptions {
  /** Runs each atomic component through the router, as any invocation. */
  readonly invoker: Pick<DomainInvoker, "start">;
  /**
   * Sequences running at most (default: unbounded); a sequence beyond it is refused as a busy
   * invocation is (429), before it runs anything.
   */
  readonly maxInFlight?: number;
  readonly store: Pick<ActivationStore, "put">;
  /** Where components are looked up (the controller's desired state, the computers' offer). */
  readonly sources: ComponentSources;
  /**
   * Which other namespaces' actions are public: a nested sequence's components are checked as
   * they run (the topmost one's before it starts: routes/invoke.ts). Default: none is.
   */
  readonly lister?: Pick<ActionLister, "isPublic">;
  /** Atomic actions one topmost sequence may run, nested ones counted (default 50). */
  readonly limit?: number;
  /** Epoch ms, for activation records. */
  readonly clock?: () => number;
  readonly newActivationId?: () => string;
  readonly logger: Logger;
}

interface Ran {
  readonly record: ActivationRecord;
  readonly accounting: SequenceAccounting;
}

/**
 * Runs the domain's sequences (issue 11): the proxy, not an installation, runs each component in
 * turn — every one routed on its own through the router under its own activation id, so one
 * sequence may span OpenWhisk installations and native computers — with OpenWhisk's semantics
 * (runSequence), and stores the sequence's record once it ends. A component that is itself a
 * domain sequence runs nested, counted against the same limit.
 */
export class SequenceInvoker {
  readonly #options: SequenceInvokerOptions;
  readonly #clock: () => number;
  readonly #newId: () => string;
  #running = 0;

  constructor(options: SequenceInvokerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#newId = options.newActivationId ?? newActivationId;
  }

  /** Sequences running now. */
  get inFlight(): number {
    return this.#running;
  }

  /**
   * Starts the sequence; its completion settles when its record is stored. It always ends in a
   * record (a failed one at worst), so a caller answered 202 finds it: `detach` has nothing to do.
   */
  start(request: SequenceRequest): Invocation | StartRefusal {
    const allowed = this.#options.maxInFlight ?? Number.POSITIVE_INFINITY;
    if (this.#running >= allowed) return { refused: "busy", count: this.#running, allowed };
    this.#running += 1;
    const activationId = this.#newId();
    const completion: Promise<FinalOutcome> = this.#run(
      activationId,
      request.caller,
      request.action,
      request.sequence,
      request.params,
      undefined,
      0,
    )
      .then(
        ({ record }): FinalOutcome => ({
          kind: "activation",
          httpStatus: blockingInvokeHttpStatus(record.response.status),
          record,
        }),
      )
      .finally(() => {
        this.#running -= 1;
      });
    return { activationId, completion, detach: () => undefined };
  }

  async #run(
    activationId: string,
    caller: Identity,
    action: ActionName,
    sequence: SequenceFacts,
    params: Readonly<Record<string, unknown>>,
    cause: string | undefined,
    atomicCount: number,
  ): Promise<Ran> {
    const start = this.#clock();
    const accounting = await runSequence(
      sequence.components,
      params,
      (component, input, count) => this.#component(component, input, count, caller, activationId),
      { atomicCount, limit: this.#options.limit ?? MAX_SEQUENCE_LENGTH },
    );
    const record = sequenceRecord({
      activationId,
      caller,
      name: action.name,
      path: `${action.namespace}/${entityPath(action)}`,
      version: sequence.version,
      start,
      end: this.#clock(),
      waitTime: 0,
      accounting,
      cause,
      limits: sequence.limits,
    });
    try {
      await this.#options.store.put(record);
    } catch (err) {
      // The caller still gets its answer; only reading it back later will fail.
      this.#options.logger.error({ err, activationId }, "activation not stored");
    }
    this.#options.logger.debug(
      {
        activationId,
        sequence: formatActionName(action),
        components: accounting.logs,
        status: record.response.status,
      },
      "sequence ran",
    );
    return { record, accounting };
  }

  async #component(
    component: string,
    input: Readonly<Record<string, unknown>>,
    atomicCount: number,
    caller: Identity,
    cause: string,
  ): Promise<ComponentOutcome> {
    const lister = this.#options.lister ?? { isPublic: async () => false };
    // A component the caller may not run leaves no record: OpenWhisk's "Sequence failed.".
    if (!(await componentAccess(lister, caller, component)).ok) return { kind: "failed" };
    const resolved = await resolveComponent(component, this.#options.sources);
    if (resolved === undefined) return { kind: "missing" };
    if (resolved.kind === "sequence") {
      const inner = await this.#run(
        this.#newId(),
        caller,
        resolved.action,
        resolved.facts,
        input,
        cause,
        atomicCount,
      );
      return this.#activation(inner.record, inner.accounting.atomicCount);
    }
    const started = this.#options.invoker.start({
      caller,
      action: resolved.action,
      params: input,
      cause,
      facts: this.#options.sources.facts(resolved.action),
      ...(resolved.lambda === formatActionName(resolved.action) ? {} : { lambda: resolved.lambda }),
    });
    // Too busy or closing: no record, OpenWhisk's "Sequence failed." whisk error.
    if ("refused" in started) return { kind: "failed" };
    const final = await started.completion;
    switch (final.kind) {
      case "activation":
        return this.#activation(final.record, atomicCount + 1);
      case "still-running":
        return { kind: "still-running", activationId: started.activationId };
      case "refused":
        // Not found where it was routed: missing, unless the domain holds it (deployed, its
        // routes not in place yet, or placed on no installation): that is unavailable.
        return final.httpStatus === 404 && !resolved.held
          ? { kind: "missing" }
          : { kind: "failed" };
    }
  }

  #activation(record: ActivationRecord, atomicCount: number): ComponentOutcome {
    return {
      kind: "activation",
      activationId: record.activationId,
      response: record.response,
      atomicCount,
      duration: record.duration,
      memory: memoryLimitOf(record.annotations),
    };
  }
}
