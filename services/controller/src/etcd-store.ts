import { Backoff, type BackoffOptions, type Logger } from "@soe/runtime";
import type { Namespace, Watcher } from "etcd3";
import type { Announcement } from "./control-plane.js";
import type { ControllerStore } from "./controller-store.js";
import { InvalidStateFile, type ControllerState, type SavedState } from "./state-file.js";
import type { MembershipEvent } from "./membership.js";
import {
  computerKey,
  eventKeys,
  membershipRecord,
  type RecordSource,
  installationKey,
  parseKey,
  parseRecord,
  routerKey,
  type StoreKey,
  type StoreRecord,
  stateRecords,
} from "./store-records.js";

/** Changes another controller made, applied to this one's membership and desired state. */
export interface RemoteChanges {
  /** A record written elsewhere (added, changed or refreshed); `bootId` for routers. */
  put(record: StoreRecord, bootId: string): void;
  deleted(key: StoreKey): void;
}

export interface EtcdStoreOptions {
  /** The client, scoped to the store's prefix (`client.namespace(prefix)`). */
  readonly namespace: Namespace;
  /** The store as it may be logged (no credentials). */
  readonly source: string;
  /** This controller's id: its own writes come back through the watch and are skipped. */
  readonly id: string;
  /** The state to write, read when a write happens (so bursts collapse into one). */
  readonly snapshot: () => ControllerState;
  /** One membership record as it stands here, so a membership change writes its records alone. */
  readonly records: RecordSource;
  readonly remote: RemoteChanges;
  /** Every event of the watch, records or not (the leader's install progress reads them). */
  readonly onEvent?: (key: string, revision: string, value: string) => void;
  readonly logger: Logger;
  /** Delays before retrying failed writes (default 200 ms doubling to 5 s). */
  readonly retry?: BackoffOptions;
}

/** etcd cannot be reached (at start): not a bad option, a failed start. */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
}

/** Puts and deletes sent at once; etcd's default limit for one request is 128 operations. */
const WRITE_CHUNK = 100;

/**
 * The controller's state in etcd (issue 13), one key per registration and entity under a prefix,
 * shared by every controller of the domain. Writes are diffs: what the controller holds against
 * what it last saw in etcd. Each controller watches the prefix and applies what others wrote, so
 * any controller can take announcements and serve reads, and the leader installs from etcd's view.
 *
 * Leases stay on each controller's clock (DESIGN §4); a peer announces to one controller, so
 * every accepted announcement, a refresh included, is written again: the put reaches the others
 * through their watch and renews the lease there too.
 */
export class EtcdStore implements ControllerStore {
  readonly #o: EtcdStoreOptions;
  readonly #retry: Backoff;
  /** Key → record text, as last written or seen in etcd. */
  readonly #known = new Map<string, string>();
  /** Keys to write again although unchanged (refreshed leases). */
  readonly #touched = new Set<string>();
  /** Router key → the boot id its router announced last. */
  readonly #bootIds = new Map<string, string>();
  #revision = "0";
  #watcher: Watcher | undefined;
  /** Set while another controller's change is applied: what it causes is not ours to write. */
  #applying = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #again = false;
  #closed = false;
  /**
   * Something changed since the last write, so the whole state is compared with etcd's; without
   * it (refreshes alone, most announcements) only the touched keys are written again, as known.
   */
  #changed = true;
  /** Membership records changed since the last write (compared alone, without a snapshot). */
  readonly #dirty = new Set<string>();

  constructor(options: EtcdStoreOptions) {
    this.#o = options;
    this.#retry = new Backoff(options.retry ?? { initialMs: 200, maxMs: 5_000, jitter: 0.2 });
  }

  async load(): Promise<SavedState | undefined> {
    let response: Awaited<ReturnType<ReturnType<Namespace["getAll"]>["exec"]>>;
    try {
      response = await this.#o.namespace.getAll().exec();
    } catch (error) {
      throw new StoreUnavailable(`${this.#o.source}: cannot read: ${(error as Error).message}`);
    }
    this.#revision = String(response.header.revision);
    const state: {
      computers: SavedState["computers"][number][];
      routers: SavedState["routers"][number][];
      installations: SavedState["installations"][number][];
      entities: SavedState["entities"][number][];
    } = { computers: [], routers: [], installations: [], entities: [] };
    for (const kv of response.kvs) {
      const key = kv.key.toString();
      // Not a record (the election's keys share the prefix, or a newer controller's): left alone.
      if (parseKey(key) === undefined) continue;
      const envelope = this.#envelope(key, kv.value.toString());
      if (envelope === undefined)
        throw new InvalidStateFile(`${this.#o.source} ${key}: not a record`);
      const record = parseRecord(key, envelope.text, this.#o.source);
      if (record === undefined) continue;
      this.#known.set(key, envelope.text);
      if (record.kind === "computer") state.computers.push(record);
      else if (record.kind === "router") {
        state.routers.push(record);
        if (envelope.bootId !== "") this.#bootIds.set(key, envelope.bootId);
      } else if (record.kind === "installation") state.installations.push(record.installation);
      else state.entities.push(record.entity);
    }
    return this.#known.size === 0 ? undefined : state;
  }

  /**
   * Follows the prefix from the revision `load` read, so nothing written in between is missed.
   * Call once the controller can apply changes.
   */
  async watch(): Promise<void> {
    const next = (BigInt(this.#revision) + 1n).toString();
    const watcher = await this.#o.namespace.watch().prefix("").startRevision(next).create();
    this.#watcher = watcher;
    watcher.on("put", (kv) => {
      this.#remotePut(kv.key.toString(), kv.value.toString());
      this.#o.onEvent?.(kv.key.toString(), kv.mod_revision, kv.value.toString());
    });
    watcher.on("delete", (kv) => {
      this.#remoteDelete(kv.key.toString());
      this.#o.onEvent?.(kv.key.toString(), kv.mod_revision, "");
    });
    watcher.on("disconnected", (err) =>
      this.#o.logger.warn({ err, store: this.#o.source }, "etcd watch disconnected: reconnecting"),
    );
    watcher.on("connected", () =>
      this.#o.logger.debug({ store: this.#o.source }, "etcd watch connected"),
    );
    watcher.on("error", (err) =>
      this.#o.logger.error({ err, store: this.#o.source }, "etcd watch failed"),
    );
  }

  changed(events?: readonly MembershipEvent[]): void {
    // Another controller's change, applied here: etcd holds it already.
    if (this.#applying) return;
    if (events === undefined) this.#changed = true;
    else for (const event of events) for (const key of eventKeys(event)) this.#dirty.add(key);
    this.#schedule(0);
  }

  announced(announcement: Announcement): void {
    if (this.#applying) return;
    if (announcement.kind === "computer") {
      this.#touched.add(computerKey(announcement.endpoint));
    } else {
      const key = routerKey(announcement.lambdaEndpoint);
      if (announcement.bootId !== "") this.#bootIds.set(key, announcement.bootId);
      this.#touched.add(key);
    }
    this.#schedule(0);
  }

  installationRefreshed(endpoint: string): void {
    if (this.#applying) return;
    this.#touched.add(installationKey(endpoint));
    this.#schedule(0);
  }

  async save(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#flush();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      await this.#flush();
    } catch (err) {
      // Unlike a file, etcd may be away at shutdown: what this controller alone knew is lost,
      // and its peers announce it again elsewhere. Said once, and the shutdown goes on.
      this.#o.logger.warn(
        { err, store: this.#o.source },
        "etcd unreachable at shutdown: the last changes were not written",
      );
    } finally {
      await this.#watcher?.cancel().catch(() => {});
    }
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flush().then(
        () => this.#retry.reset(),
        (err: unknown) => {
          const retryInMs = this.#retry.next();
          this.#o.logger.warn(
            { err, store: this.#o.source, retryInMs },
            "could not write the controller's state to etcd",
          );
          this.#schedule(retryInMs);
        },
      );
    }, delayMs);
  }

  /** Writes until nothing is left to write; one write at a time. */
  #flush(): Promise<void> {
    if (this.#writing !== undefined) {
      this.#again = true;
      return this.#writing;
    }
    this.#writing = (async () => {
      do {
        this.#again = false;
        await this.#write();
      } while (this.#again);
    })().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  async #write(): Promise<void> {
    const puts: [string, string][] = [];
    const deletes: [string, string][] = [];
    const changed = this.#changed;
    this.#changed = false;
    if (changed) {
      const records = stateRecords(this.#o.snapshot());
      for (const [key, text] of records) {
        if (this.#known.get(key) !== text || this.#touched.has(key)) puts.push([key, text]);
      }
      for (const [key, text] of this.#known) if (!records.has(key)) deletes.push([key, text]);
    } else {
      for (const key of this.#dirty) {
        const text = membershipRecord(this.#o.records, key);
        const known = this.#known.get(key);
        if (text === undefined && known !== undefined) deletes.push([key, known]);
        else if (text !== undefined && (text !== known || this.#touched.has(key)))
          puts.push([key, text]);
      }
      for (const key of this.#touched) {
        const text = this.#known.get(key);
        if (!this.#dirty.has(key) && text !== undefined) puts.push([key, text]);
      }
    }
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    this.#touched.clear();
    if (puts.length === 0 && deletes.length === 0) return;
    // Seen as written before the answer: a watch event for them then reads as our own.
    const previous = new Map<string, string | undefined>();
    for (const [key, text] of puts) {
      previous.set(key, this.#known.get(key));
      this.#known.set(key, text);
    }
    for (const [key, text] of deletes) {
      previous.set(key, text);
      this.#known.delete(key);
    }
    const ns = this.#o.namespace;
    const operations = [
      ...puts.map(
        ([key, text]) =>
          () =>
            ns.put(key).value(this.#value(key, text)).exec(),
      ),
      ...deletes.map(
        ([key]) =>
          () =>
            ns.delete().key(key).exec(),
      ),
    ];
    try {
      for (let i = 0; i < operations.length; i += WRITE_CHUNK) {
        await Promise.all(operations.slice(i, i + WRITE_CHUNK).map((op) => op()));
      }
    } catch (error) {
      // Back to what etcd may still hold, so the next attempt writes them again.
      for (const [key, text] of previous) {
        if (text === undefined) this.#known.delete(key);
        else this.#known.set(key, text);
      }
      for (const [key] of puts) this.#touched.add(key);
      for (const key of dirty) this.#dirty.add(key);
      this.#changed ||= changed;
      throw error;
    }
  }

  #value(key: string, text: string): string {
    const bootId = this.#bootIds.get(key);
    const boot = bootId === undefined ? "" : `,"bootId":${JSON.stringify(bootId)}`;
    return `{"by":${JSON.stringify(this.#o.id)}${boot},"record":${text}}`;
  }

  #envelope(key: string, value: string): { by: string; bootId: string; text: string } | undefined {
    try {
      const parsed = JSON.parse(value) as { by?: unknown; bootId?: unknown; record?: unknown };
      if (typeof parsed !== "object" || parsed === null || parsed.record === undefined)
        return undefined;
      return {
        by: typeof parsed.by === "string" ? parsed.by : "",
        bootId: typeof parsed.bootId === "string" ? parsed.bootId : "",
        text: JSON.stringify(parsed.record),
      };
    } catch {
      this.#o.logger.warn(
        { store: this.#o.source, storeKey: key },
        "etcd store: a value that is not JSON",
      );
      return undefined;
    }
  }

  #remotePut(key: string, value: string): void {
    if (parseKey(key) === undefined) return;
    const envelope = this.#envelope(key, value);
    if (envelope === undefined || envelope.by === this.#o.id) return;
    let record: StoreRecord | undefined;
    try {
      record = parseRecord(key, envelope.text, this.#o.source);
    } catch (err) {
      this.#o.logger.warn(
        { err, store: this.#o.source, storeKey: key },
        "etcd store: invalid record skipped",
      );
      return;
    }
    if (record === undefined) return;
    this.#known.set(key, envelope.text);
    if (record.kind === "router" && envelope.bootId !== "") this.#bootIds.set(key, envelope.bootId);
    this.#applyRemote(() => this.#o.remote.put(record, envelope.bootId));
  }

  #remoteDelete(key: string): void {
    // Our own deletes left #known before they were sent.
    if (!this.#known.delete(key)) return;
    this.#bootIds.delete(key);
    const parsed = parseKey(key);
    if (parsed !== undefined) this.#applyRemote(() => this.#o.remote.deleted(parsed));
  }

  #applyRemote(apply: () => void): void {
    this.#applying = true;
    try {
      apply();
    } catch (err) {
      this.#o.logger.warn(
        { err, store: this.#o.source },
        "etcd store: cannot apply another controller's change",
      );
    } finally {
      this.#applying = false;
    }
  }
}
