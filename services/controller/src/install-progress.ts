import type { Logger } from "@soe/runtime";
import type { Namespace } from "etcd3";
import { parseKey } from "./store-records.js";

/** The leader's word: every change up to this revision is installed in the routers. */
export const PROGRESS_KEY = "progress/installed";
/** Where a controller asks the leader for a fresh word (one key per controller). */
const SYNC_PREFIX = "sync/";

export interface InstallProgressOptions {
  /** The client, scoped to the store's prefix. */
  readonly namespace: Namespace;
  /** This controller's id (its sync key). */
  readonly id: string;
  /** Whether this controller leads now. */
  readonly leading: () => boolean;
  /** Whether a router still has operations pending here. */
  readonly busy: () => boolean;
  readonly logger: Logger;
}

/**
 * Read-your-writes for deployments across controllers (issue 13): PutEntity answers once the
 * routers hold the action's routes, but with a shared store the controller answering may not be
 * the one installing, nor the one the wsk-computer announced the action to. So the leader
 * publishes, each time its routers are idle after a change, the etcd revision it has applied
 * (`progress/installed`); a controller waiting for the routes writes its sync key and waits for
 * a published revision at least as recent. Announcements are written to etcd a moment after a
 * controller accepts them: one accepted by another controller in the last few milliseconds may
 * still be on its way.
 */
export class InstallProgress {
  readonly #o: InstallProgressOptions;
  /** The newest revision of the store's keys this controller's watch delivered. */
  #seen = 0n;
  /** The newest revision the leader said is installed. */
  #installed = 0n;
  /** A change arrived that the published revision does not cover yet. */
  #due = false;
  #publishing = false;
  readonly #waiters = new Set<() => void>();

  constructor(options: InstallProgressOptions) {
    this.#o = options;
  }

  /** Every event of the store's watch, in order. */
  observed(key: string, revision: string, value: string): void {
    const at = BigInt(revision);
    if (key === PROGRESS_KEY) {
      if (/^\d+$/.test(value) && BigInt(value) > this.#installed) {
        this.#installed = BigInt(value);
        for (const waiter of [...this.#waiters]) waiter();
      }
      return;
    }
    if (at > this.#seen) this.#seen = at;
    // A record changed, or a controller waits for a word: the next idle moment publishes.
    if (parseKey(key) !== undefined || key.startsWith(SYNC_PREFIX)) {
      this.#due = true;
      this.#publish();
    }
  }

  /** The routers' queues emptied, or this controller became the leader. */
  idle(): void {
    this.#publish();
  }

  /** A new term: what was published before may not hold for this leader's routers. */
  leading(): void {
    this.#due = true;
    this.#publish();
  }

  /** Resolves true once the leader says every change so far is installed; false after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<boolean> {
    let target: bigint;
    try {
      const put = await this.#o.namespace
        .put(`${SYNC_PREFIX}${this.#o.id}`)
        .value(String(Date.now()))
        .exec();
      target = BigInt(put.header.revision);
    } catch (err) {
      this.#o.logger.warn({ err }, "etcd: cannot ask the leader whether the routes are installed");
      return false;
    }
    if (this.#installed >= target) return true;
    return new Promise((resolve) => {
      const done = (settled: boolean) => {
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(settled);
      };
      const check = () => {
        if (this.#installed >= target) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#waiters.add(check);
    });
  }

  #publish(): void {
    if (!this.#due || this.#publishing || !this.#o.leading() || this.#o.busy()) return;
    this.#due = false;
    this.#publishing = true;
    const revision = this.#seen;
    this.#o.namespace
      .put(PROGRESS_KEY)
      .value(String(revision))
      .exec()
      .then(
        () => {
          this.#publishing = false;
          this.#publish(); // what arrived meanwhile
        },
        (err: unknown) => {
          this.#publishing = false;
          this.#due = true;
          this.#o.logger.warn({ err }, "etcd: cannot publish the installed revision");
        },
      );
  }
}
