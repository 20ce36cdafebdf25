import {
  type ActivationRecord,
  type ComponentOutcome,
  entityPath,
  type Identity,
  isSequenceExec,
  type KeyValue,
  memoryLimitOf,
  newActivationId,
  runSequence,
  type SequenceAccounting,
  sequenceRecord,
} from "@soe/openwhisk";
import type { ActionRunner, RunOutcome } from "./action-runner.js";
import { buildActivationRecord } from "./activation-builder.js";
import type { ActivationStore } from "./activation-store.js";
import type { ResolvedAction, StoredAction } from "./entity-store.js";
import { qualifiedPath } from "./entity-views.js";
import { LogCollector } from "./log-collector.js";
import { runOutcome } from "./run-outcome.js";
import { zipActionSource } from "./zip-action.js";

/** Finds a sequence component (`/ns/[pkg/]name`) when the sequence runs. */
export type ComponentResolver = (component: string) => ResolvedAction | undefined;

export interface Invocation {
  readonly activationId: string;
  /** Settles once the record is stored; never rejects. */
  readonly finished: Promise<ActivationRecord>;
}

/** Defaults of the package, then of the action, then the invocation's own parameters win. */
export function mergeParameters(
  packageDefaults: readonly KeyValue[],
  actionDefaults: readonly KeyValue[],
  payload: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const { key, value } of [...packageDefaults, ...actionDefaults]) params[key] = value;
  return Object.assign(params, payload);
}

/** Warm sandboxes are kept per action; the cache key tells one version of it from another. */
function warmSlot(action: StoredAction): string {
  return qualifiedPath(action);
}

const MAX_ZIP_SOURCES = 64;

/** A finished activation of a sequence or a component, before it is a record. */
interface Ran {
  readonly outcome: RunOutcome;
  readonly start: number;
  readonly end: number;
}

/**
 * Starts activations, and stores each record when it finishes. Like OpenWhisk's warm
 * containers, an action's sandbox (and its module-level state) is reused by later activations
 * of the same version.
 */
export class Invoker {
  readonly #runner: ActionRunner;
  readonly #store: ActivationStore;
  readonly #clock: () => number;
  readonly #newId: () => string;
  readonly #resolve: ComponentResolver;
  /** Zipped actions turned into one script, by version; a zip is only unpacked once. */
  readonly #zipSources = new Map<string, ReturnType<typeof zipActionSource>>();

  constructor(
    runner: ActionRunner,
    store: ActivationStore,
    clock: () => number,
    newId: () => string = newActivationId,
    resolve: ComponentResolver = () => undefined,
  ) {
    this.#runner = runner;
    this.#store = store;
    this.#clock = clock;
    this.#newId = newId;
    this.#resolve = resolve;
  }

  /** Lets go of an action's warm sandboxes: it was updated or deleted. */
  forget(action: StoredAction): void {
    this.#runner.forget(warmSlot(action));
  }

  invoke(
    target: ResolvedAction,
    caller: Identity,
    params: Readonly<Record<string, unknown>>,
    traceparent?: string,
  ): Invocation {
    const activationId = this.#newId();
    const accepted = this.#clock();
    const finished = new Promise<ActivationRecord>((resolve, reject) => {
      // Start on the next turn: the accepting reply (202) goes out before the action's
      // synchronous part can hold the event loop for up to its time limit.
      setImmediate(() => {
        this.#activate(activationId, target, caller, params, accepted, undefined, traceparent).then(
          resolve,
          reject,
        );
      });
    });
    // Nobody awaits a non-blocking invocation; a failure here must not become an unhandled
    // rejection. Blocking callers still see it through their own await.
    finished.catch(() => undefined);
    return { activationId, finished };
  }

  /** Runs one activation (a sequence runs its components first) and stores its record. */
  async #activate(
    activationId: string,
    target: ResolvedAction,
    caller: Identity,
    params: Readonly<Record<string, unknown>>,
    accepted: number,
    cause: string | undefined,
    traceparent?: string,
  ): Promise<ActivationRecord> {
    const { action } = target;
    if (isSequenceExec(action.exec)) {
      const ran = await this.#activateSequence(
        activationId,
        target,
        caller,
        params,
        accepted,
        cause,
        0,
        traceparent,
      );
      return ran.record;
    }
    const ran = await this.#runCode(action, params);
    const record = buildActivationRecord({
      activationId,
      action,
      caller,
      accepted,
      start: ran.start,
      end: ran.end,
      outcome: ran.outcome,
      cause,
      binding: target.binding,
      traceparent,
    });
    this.#store.add(record, entityPath(action));
    return record;
  }

  async #runCode(action: StoredAction, params: Readonly<Record<string, unknown>>): Promise<Ran> {
    const start = this.#clock();
    const exec = action.exec;
    if (isSequenceExec(exec)) throw new TypeError("a sequence has no code");
    const cacheKey = `${qualifiedPath(action)}@${action.version}#${action.sequence}`;
    let code = exec.code;
    if (exec.binary === true) {
      const source = this.#zipSource(cacheKey, exec.code);
      if (!source.ok) {
        const outcome = runOutcome(
          "init-failed",
          source.error,
          { timeoutMs: action.limits.timeout, maxResultBytes: Number.MAX_SAFE_INTEGER },
          new LogCollector(this.#clock, 0),
        );
        return { outcome, start, end: this.#clock() };
      }
      code = source.code;
    }
    const outcome = await this.#runner.run({
      cacheKey,
      warmSlot: warmSlot(action),
      code,
      main: exec.main ?? "main",
      params,
      timeoutMs: action.limits.timeout,
      filename: `${action.namespace}/${entityPath(action)}.js`,
    });
    return { outcome, start, end: this.#clock() };
  }

  /**
   * OpenWhisk's sequence, as the domain's proxy runs it too (@soe/openwhisk runSequence): the
   * first component gets the parameters, each next one the result before it; the first failure
   * ends it; nested sequences count against one limit. Its record (sequenceRecord) has the last
   * response, and the components' activation ids as its logs.
   */
  async #activateSequence(
    activationId: string,
    target: ResolvedAction,
    caller: Identity,
    params: Readonly<Record<string, unknown>>,
    accepted: number,
    cause: string | undefined,
    atomicCount: number,
    traceparent?: string,
  ): Promise<{ record: ActivationRecord; accounting: SequenceAccounting }> {
    const { action } = target;
    const exec = action.exec;
    if (!isSequenceExec(exec)) throw new TypeError("not a sequence");
    const start = this.#clock();
    const { _actions: _, ...payload } = params;
    const accounting = await runSequence(
      exec.components,
      payload,
      (component, input, count) => this.#component(component, input, count, caller, activationId),
      { atomicCount },
    );
    const built = sequenceRecord({
      activationId,
      caller,
      name: action.name,
      path: qualifiedPath(action),
      version: action.version,
      start,
      end: this.#clock(),
      waitTime: start - accepted,
      accounting,
      cause,
      binding: target.binding,
      limits: action.limits,
    });
    // Ours only, as on an action's record (activation-builder.ts, issue 14).
    const record =
      traceparent === undefined
        ? built
        : {
            ...built,
            annotations: [...built.annotations, { key: "traceparent", value: traceparent }],
          };
    this.#store.add(record, entityPath(action));
    return { record, accounting };
  }

  async #component(
    component: string,
    input: Readonly<Record<string, unknown>>,
    atomicCount: number,
    caller: Identity,
    cause: string,
  ): Promise<ComponentOutcome> {
    const target = this.#resolve(component);
    if (target === undefined) return { kind: "missing" };
    const id = this.#newId();
    const merged = mergeParameters(target.packageParameters, target.action.parameters, input);
    const accepted = this.#clock();
    if (isSequenceExec(target.action.exec)) {
      const inner = await this.#activateSequence(
        id,
        target,
        caller,
        merged,
        accepted,
        cause,
        atomicCount,
      );
      return {
        kind: "activation",
        activationId: id,
        response: inner.record.response,
        atomicCount: inner.accounting.atomicCount,
        duration: inner.record.duration,
        memory: memoryLimitOf(inner.record.annotations),
      };
    }
    const record = await this.#activate(id, target, caller, merged, accepted, cause);
    return {
      kind: "activation",
      activationId: id,
      response: record.response,
      atomicCount: atomicCount + 1,
      duration: record.duration,
      memory: target.action.limits.memory,
    };
  }

  #zipSource(cacheKey: string, base64: string): ReturnType<typeof zipActionSource> {
    const cached = this.#zipSources.get(cacheKey);
    if (cached !== undefined) return cached;
    const source = zipActionSource(base64);
    if (this.#zipSources.size >= MAX_ZIP_SOURCES) {
      const oldest = this.#zipSources.keys().next().value;
      if (oldest !== undefined) this.#zipSources.delete(oldest);
    }
    this.#zipSources.set(cacheKey, source);
    return source;
  }
}

/** The value if it settles within `ms`, else undefined; the timer never outlives the wait. */
export async function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
