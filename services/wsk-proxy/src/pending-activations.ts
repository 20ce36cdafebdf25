import type { ActivationRecord } from "@soe/openwhisk";
import type { Logger } from "@soe/runtime";
import type { ActivationStore } from "./activation-store.js";
import type { BackendActivations } from "./backend-activations.js";
import {
  completeRecord,
  logsUnread,
  pendingOf,
  withBackendDetails,
  withoutMarks,
} from "./pending-activation.js";

export interface PendingActivationsOptions {
  readonly store: ActivationStore;
  readonly backend: BackendActivations;
  readonly logger: Logger;
}

/**
 * Completes records from their backends when they are read (pending-activation.ts):
 * - a pending record (an accepted invocation) from the installation that runs it; until then it
 *   reads as absent, as OpenWhisk answers 404 for an activation it has not written yet
 *   (openwhisk-api.md §4) — clients poll that;
 * - a record answered at once gets its logs from whichever installation ran it, if any did.
 * The completed record replaces the stored one. Lazy, so an activation nobody reads costs
 * nothing; concurrent reads of one id share one fetch. Listings complete pending records but
 * read no logs: a page of 200 must not fan out to every installation 200 times.
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
    const completed = await Promise.all(
      records.map((record) =>
        pendingOf(record) === undefined ? withoutMarks(record) : this.complete(record),
      ),
    );
    return completed.filter((record) => record !== undefined);
  }

  /**
   * A record as a client may see it: a final one as it is, with its logs read first if they
   * were not; a pending one completed, or undefined while it still runs.
   */
  complete(record: ActivationRecord): Promise<ActivationRecord | undefined> {
    const pending = pendingOf(record) !== undefined;
    if (!pending && !logsUnread(record)) return Promise.resolve(record);
    const key = record.activationId;
    let fetching = this.#fetching.get(key);
    if (fetching === undefined) {
      fetching = (pending ? this.#fetch(record) : this.#fetchLogs(record)).finally(() =>
        this.#fetching.delete(key),
      );
      this.#fetching.set(key, fetching);
    }
    return fetching;
  }

  async #fetchLogs(record: ActivationRecord): Promise<ActivationRecord> {
    const { backend, logger } = this.#options;
    if (backend.find === undefined) return withoutMarks(record);
    let found: ActivationRecord | undefined;
    try {
      found = await backend.find(record.activationId);
    } catch (err) {
      // Shown without logs now, not stored: the next read asks again.
      logger.warn(
        { err, activationId: record.activationId },
        "cannot read the activation's logs from the installations",
      );
      return withoutMarks(record);
    }
    // None found: a native computer ran it, or its installation forgot it; asked once only.
    const final = found === undefined ? withoutMarks(record) : withBackendDetails(record, found);
    await this.#keep(final);
    return final;
  }

  async #keep(record: ActivationRecord): Promise<void> {
    try {
      await this.#options.store.put(record);
    } catch (err) {
      // Served anyway; the next read fetches it again.
      this.#options.logger.error(
        { err, activationId: record.activationId },
        "completed activation not stored",
      );
    }
  }

  async #fetch(pending: ActivationRecord): Promise<ActivationRecord | undefined> {
    const backend = pendingOf(pending);
    if (backend === undefined) return pending;
    const { logger } = this.#options;
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
    await this.#keep(final);
    logger.debug(
      { activationId: final.activationId, backend, status: final.response.status },
      "accepted activation completed",
    );
    return final;
  }
}
