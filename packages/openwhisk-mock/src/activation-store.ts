import type { ActivationRecord } from "@soe/openwhisk";

export interface ActivationFilter {
  /** `action` or `package/action`. */
  readonly name?: string | undefined;
  /** Epoch ms bounds on `start`, inclusive. */
  readonly since?: number | undefined;
  readonly upto?: number | undefined;
}

interface Entry {
  readonly record: ActivationRecord;
  /** `package/action` or `action`, for the `name` filter. */
  readonly entityPath: string;
}

/**
 * Finished activations, bounded: once full, the oldest finished one is forgotten, so a long dev
 * session cannot grow the mock without limit. Records appear only when their activation has
 * finished, as in OpenWhisk (a poller sees 404 until then).
 */
export class ActivationStore {
  readonly #capacity: number;
  readonly #entries = new Map<string, Entry>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  add(record: ActivationRecord, entityPath: string): void {
    this.#entries.delete(record.activationId);
    this.#entries.set(record.activationId, { record, entityPath });
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /** Activations belong to the namespace of the subject that invoked them. */
  get(namespace: string, activationId: string): ActivationRecord | undefined {
    const entry = this.#entries.get(activationId.toLowerCase());
    return entry?.record.namespace === namespace ? entry.record : undefined;
  }

  /** Newest first by start time. */
  list(namespace: string, filter: ActivationFilter = {}): ActivationRecord[] {
    const { name, since, upto } = filter;
    const matches: ActivationRecord[] = [];
    for (const { record, entityPath } of this.#entries.values()) {
      if (record.namespace !== namespace) continue;
      if (name !== undefined && name !== entityPath && name !== record.name) continue;
      if (since !== undefined && record.start < since) continue;
      if (upto !== undefined && record.start > upto) continue;
      matches.push(record);
    }
    return matches.sort((a, b) => b.start - a.start);
  }
}
