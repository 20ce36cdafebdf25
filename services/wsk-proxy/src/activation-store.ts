import type { ActivationRecord } from "@soe/openwhisk";

/** Filters of `GET .../activations` (openwhisk-api.md §4). */
export interface ActivationFilter {
  /** `action` or `package/action`. */
  readonly name?: string | undefined;
  /** Epoch ms bounds on `start`, inclusive. */
  readonly since?: number | undefined;
  readonly upto?: number | undefined;
}

export interface ActivationPage {
  readonly skip: number;
  readonly limit: number;
}

/**
 * Where the proxy keeps the activations it made. Asynchronous, so that a store shared by several
 * proxies (a database, another service) can implement it; the proxy never assumes more.
 */
export interface ActivationStore {
  put(record: ActivationRecord): Promise<void>;
  /** The record, if it belongs to `namespace` and is still kept. */
  get(namespace: string, activationId: string): Promise<ActivationRecord | undefined>;
  /** Newest first (by `start`), as OpenWhisk lists them. */
  list(
    namespace: string,
    filter: ActivationFilter,
    page: ActivationPage,
  ): Promise<ActivationRecord[]>;
  count(namespace: string, filter: ActivationFilter): Promise<number>;
  /** Writes what is still buffered and lets go of connections and files (durable stores). */
  close?(): Promise<void>;
}

export interface MemoryActivationStoreOptions {
  /** Records kept at most; the oldest go first. */
  readonly maxCount?: number;
  /** Records older than this (since stored) are forgotten. */
  readonly maxAgeMs?: number;
  /** Epoch ms; injected so tests control age. */
  readonly clock?: () => number;
}

interface Entry {
  readonly record: ActivationRecord;
  /** `package/action` or `action`: what the `name` filter matches besides the bare name. */
  readonly entityPath: string;
  readonly storedAt: number;
}

/** `ns/pkg/action` (the `path` annotation) → `pkg/action`. */
export function entityPathOf(record: ActivationRecord): string {
  const path = record.annotations.find((a) => a.key === "path")?.value;
  if (typeof path !== "string") return record.name;
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

function matches(entry: Entry, filter: ActivationFilter): boolean {
  const { record } = entry;
  if (filter.name !== undefined && filter.name !== "") {
    if (filter.name !== record.name && filter.name !== entry.entityPath) return false;
  }
  if (filter.since !== undefined && record.start < filter.since) return false;
  if (filter.upto !== undefined && record.start > filter.upto) return false;
  return true;
}

/**
 * The default store: in memory, bounded in count and in age. Entries are kept in the order they
 * were stored, which is their age order, so eviction only ever looks at the front.
 */
export class MemoryActivationStore implements ActivationStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxCount: number;
  readonly #maxAgeMs: number;
  readonly #clock: () => number;

  constructor(options: MemoryActivationStoreOptions = {}) {
    this.#maxCount = options.maxCount ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60 * 1000;
    this.#clock = options.clock ?? Date.now;
    if (!(this.#maxCount > 0) || !(this.#maxAgeMs > 0)) {
      throw new RangeError("an activation store must keep at least one record for some time");
    }
  }

  get size(): number {
    this.#expire();
    return this.#entries.size;
  }

  async put(record: ActivationRecord): Promise<void> {
    this.#expire();
    this.#entries.delete(record.activationId);
    this.#entries.set(record.activationId, {
      record,
      entityPath: entityPathOf(record),
      storedAt: this.#clock(),
    });
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxCount) break;
      this.#entries.delete(id);
    }
  }

  async get(namespace: string, activationId: string): Promise<ActivationRecord | undefined> {
    this.#expire();
    const entry = this.#entries.get(activationId.toLowerCase());
    return entry?.record.namespace === namespace ? entry.record : undefined;
  }

  async list(
    namespace: string,
    filter: ActivationFilter,
    page: ActivationPage,
  ): Promise<ActivationRecord[]> {
    return this.#select(namespace, filter)
      .slice(page.skip, page.skip + page.limit)
      .map((entry) => entry.record);
  }

  async count(namespace: string, filter: ActivationFilter): Promise<number> {
    return this.#select(namespace, filter).length;
  }

  #select(namespace: string, filter: ActivationFilter): Entry[] {
    this.#expire();
    const selected: Entry[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.record.namespace === namespace && matches(entry, filter)) selected.push(entry);
    }
    // Newest first; the later-stored first among equal starts.
    return selected.reverse().sort((a, b) => b.record.start - a.record.start);
  }

  #expire(): void {
    const oldest = this.#clock() - this.#maxAgeMs;
    for (const [id, entry] of this.#entries) {
      if (entry.storedAt >= oldest) break;
      this.#entries.delete(id);
    }
  }
}
