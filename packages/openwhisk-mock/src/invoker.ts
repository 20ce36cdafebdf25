import {
  type ActivationRecord,
  entityPath,
  type Identity,
  type KeyValue,
  newActivationId,
} from "@soe/openwhisk";
import type { ActionRunner } from "./action-runner.js";
import { buildActivationRecord } from "./activation-builder.js";
import type { ActivationStore } from "./activation-store.js";
import type { StoredAction } from "./entity-store.js";
import { qualifiedPath } from "./entity-views.js";

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

  constructor(
    runner: ActionRunner,
    store: ActivationStore,
    clock: () => number,
    newId = newActivationId,
  ) {
    this.#runner = runner;
    this.#store = store;
    this.#clock = clock;
    this.#newId = newId;
  }

  /** Lets go of an action's warm sandboxes: it was updated or deleted. */
  forget(action: StoredAction): void {
    this.#runner.forget(warmSlot(action));
  }

  invoke(
    action: StoredAction,
    caller: Identity,
    params: Readonly<Record<string, unknown>>,
  ): Invocation {
    const activationId = this.#newId();
    const accepted = this.#clock();
    const finished = new Promise<ActivationRecord>((resolve, reject) => {
      // Start on the next turn: the accepting reply (202) goes out before the action's
      // synchronous part can hold the event loop for up to its time limit.
      setImmediate(() => {
        const start = this.#clock();
        this.#runner
          .run({
            cacheKey: `${qualifiedPath(action)}@${action.version}#${action.sequence}`,
            warmSlot: warmSlot(action),
            code: action.exec.code,
            main: action.exec.main ?? "main",
            params,
            timeoutMs: action.limits.timeout,
            filename: `${action.namespace}/${entityPath(action)}.js`,
          })
          .then((outcome) => {
            const record = buildActivationRecord({
              activationId,
              action,
              caller,
              accepted,
              start,
              end: this.#clock(),
              outcome,
            });
            this.#store.add(record, entityPath(action));
            resolve(record);
          }, reject);
      });
    });
    // Nobody awaits a non-blocking invocation; a failure here must not become an unhandled
    // rejection. Blocking callers still see it through their own await.
    finished.catch(() => undefined);
    return { activationId, finished };
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
