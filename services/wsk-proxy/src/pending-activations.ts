import type { ActivationRecord } from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import type { ActivationStore } from "./activation-store.js";
import type { BackendActivations } from "./backend-activations.js";
import { completeRecord, pendingOf } from "./pending-activation.js";

export interface PendingActivationsOptions {
  readonly store: ActivationStore;
  readonly backend: BackendActivations;
  readonly logger: Logger;
}

/**
 * Completes accepted invocations when they are read: a pending record (pending-activation.ts)
 * is completed from the installation that runs it, the final record replaces it in the store,
 * and until then it reads as absent, as OpenWhisk answers 404 for an activation it has not
 * written yet (openwhisk-api.md §4) — clients poll that. Lazy, so an activation nobody reads
 * costs nothing; concurrent reads of one id share one fetch.
 */
export class PendingActivations {
  readonly #options: PendingActivationsOptions;
  readonly #fetching = new Map<string, Promise<ActivationRecord | undefined>>();

  constructor(options: PendingActivationsOptions) {
    this.#options = options;
  }

  /** The record a client may see under this id, completing it first if it was pending. */
  async get(namespace: string, activationId: string): Promise<ActivationRecord | undefined> {
    const stored = await this.#options.store.get(namespace, activationId);
    return stored === undefined ? undefined : this.complete(stored);
  }

  /** A page of stored records as a client may see them: pending ones completed, or left out. */
  async visible(records: readonly ActivationRecord[]): Promise<ActivationRecord[]> {
    const completed = await Promise.all(records.map((record) => this.complete(record)));
    return completed.filter((record) => record !== undefined);
  }

  /** A final record as it is; a pending one completed, or undefined while it still runs. */
  complete(record: ActivationRecord): Promise<ActivationRecord | undefined> {
    if (pendingOf(record) === undefined) return Promise.resolve(record);
    const key = record.activationId;
    let fetching = this.#fetching.get(key);
    if (fetching === undefined) {
      fetching = this.#fetch(record).finally(() => this.#fetching.delete(key));
      this.#fetching.set(key, fetching);
    }
    return fetching;
  }

  async #fetch(pending: ActivationRecord): Promise<ActivationRecord | undefined> {
    const backend = pendingOf(pending);
    if (backend === undefined) return pending;
    const { logger, store } = this.#options;
    let found: ActivationRecord | undefined;
    try {
      found = await this.#options.backend.get(backend.installation, backend.activationId);
    } catch (err) {
      // Read as "not yet": the client polls again, and the installation may be back by then.
      logger.warn(
        { err, activationId: pending.activationId, backend },
        "the installation running an accepted activation cannot tell its record",
      );
      return undefined;
    }
    if (found === undefined) return undefined;
    const final = completeRecord(pending, found);
    try {
      await store.put(final);
    } catch (err) {
      // Served anyway; the next read fetches it again.
      logger.error({ err, activationId: final.activationId }, "completed activation not stored");
    }
    logger.debug(
      { activationId: final.activationId, backend, status: final.response.status },
      "accepted activation completed",
    );
    return final;
  }
}
