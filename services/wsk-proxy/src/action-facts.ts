import { Code, ConnectError } from "@connectrpc/connect";
import {
  type ActionLimits,
  type ActionName,
  formatActionName,
  isSequenceExec,
} from "@soe/openwhisk";
import type { soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import { actionRef, type DomainDeployment } from "./domain-deployment.js";
import { actionDocumentOf, DEFAULT_LIMITS } from "./entity-views.js";

/**
 * What an activation record says about the action that ran (openwhisk-api.md §2): its version
 * and the `kind` and `limits` annotations. The domain knows them for the actions deployed
 * through it (the controller's desired state); for others the backend's record tells, when the
 * proxy reads one (pending-activation.ts).
 */
export interface ActionFacts {
  readonly version: string;
  /** Undefined for a document without `exec` (never for a checked action). */
  readonly kind: string | undefined;
  readonly limits: Required<ActionLimits>;
  /**
   * Set for a sequence the domain holds: its components' fully-qualified names. The proxy runs
   * it itself (sequence-invoker.ts); no installation has it.
   */
  readonly components?: readonly string[];
}

export function actionFactsOf(entity: soev1.Entity): ActionFacts {
  const document = actionDocumentOf(entity);
  const exec = document.exec;
  return {
    version: entity.version,
    kind: exec?.kind,
    limits: { ...DEFAULT_LIMITS, ...document.limits },
    ...(exec !== undefined && isSequenceExec(exec) ? { components: exec.components } : {}),
  };
}

export interface ActionFactsCacheOptions {
  readonly deployment: Pick<DomainDeployment, "get">;
  /** How long facts are used before they are read again, ms (default 10 s). */
  readonly ttlMs?: number;
  /** Actions remembered at most (default 10 000); the least recently read go first. */
  readonly maxEntries?: number;
  /** ms, monotonic. */
  readonly clock?: () => number;
  readonly logger: Logger;
}

interface Entry {
  current: Promise<ActionFacts | undefined>;
  /** What `current` resolved to, once it has: read without waiting (settledOf). */
  settled?: { readonly facts: ActionFacts | undefined };
  readAt: number;
  refreshing: boolean;
}

/**
 * The facts of the domain's actions, read from the controller once and then kept: only the first
 * invocation of an action waits for them, later ones get what is known at once while a stale
 * entry is read again behind them. "Not deployed through the domain" (NotFound) is remembered
 * like any answer; a failed read is not, so the next invocation asks again.
 */
export class ActionFactsCache {
  readonly #options: ActionFactsCacheOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: () => number;

  constructor(options: ActionFactsCacheOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** Never rejects: undefined when the domain does not know the action or cannot tell now. */
  of(action: ActionName): Promise<ActionFacts | undefined> {
    const key = formatActionName(action);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      const read = this.#read(key, action);
      const created: Entry = {
        current: read.then((r) => (r.ok ? r.facts : undefined)),
        readAt: this.#clock(),
        refreshing: false,
      };
      void read.then((r) => {
        if (r.ok) created.settled = { facts: r.facts };
      });
      this.#remember(key, created);
      // A failed read is not remembered: the next invocation asks again.
      void read.then((r) => {
        if (!r.ok && this.#entries.get(key) === created) this.#entries.delete(key);
      });
      return created.current;
    }
    // Most recently read last, so eviction takes the front.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#clock() - entry.readAt >= this.#ttlMs && !entry.refreshing) {
      entry.refreshing = true;
      void this.#read(key, action).then((r) => {
        entry.refreshing = false;
        if (!r.ok) return;
        entry.current = Promise.resolve(r.facts);
        entry.settled = { facts: r.facts };
        entry.readAt = this.#clock();
      });
    }
    return entry.current;
  }

  /**
   * The facts last read for the action, when a read has completed: what {@link of} would give at
   * once, without waiting (undefined when the first read is still running or failed).
   */
  settledOf(action: ActionName): { readonly facts: ActionFacts | undefined } | undefined {
    return this.#entries.get(formatActionName(action))?.settled;
  }

  /**
   * Reads the action's facts afresh next time: the domain has just changed it (a sequence's
   * components must run as they now are, not as they were up to `ttlMs` ago).
   */
  forget(action: ActionName): void {
    this.#entries.delete(formatActionName(action));
  }

  async #read(
    key: string,
    action: ActionName,
  ): Promise<
    { readonly ok: true; readonly facts: ActionFacts | undefined } | { readonly ok: false }
  > {
    const ref = actionRef(action.namespace, action.packageName, action.name);
    try {
      const entity = await this.#options.deployment.get(ref);
      return { ok: true, facts: entity === undefined ? undefined : actionFactsOf(entity) };
    } catch (error) {
      if (error instanceof ConnectError && error.code === Code.NotFound) {
        return { ok: true, facts: undefined };
      }
      this.#options.logger.warn(
        { err: error, action: key },
        "cannot read the action's facts from the controller",
      );
      return { ok: false };
    }
  }

  #remember(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }
}
