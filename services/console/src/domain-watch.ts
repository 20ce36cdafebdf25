import { type PeriodicTask, type Scheduler, startPeriodicTask } from "@soe/runtime";
import { assembleDomainView, type DomainReadings } from "./domain-snapshot.js";
import type { DomainView } from "./domain-view.js";
import { SnapshotFeed, sseFrame } from "./snapshot-feed.js";

export interface DomainWatchOptions {
  /** One pass of readings; it must not throw (each source fails alone, as DomainReader does). */
  readonly read: () => Promise<DomainReadings>;
  /** Between the end of one pass and the start of the next, ms. */
  readonly intervalMs: number;
  readonly maxClients: number;
  readonly schedule: Scheduler;
  /** ms, monotonic: how old the latest snapshot is. */
  readonly clock: () => number;
  /** Told about a pass that threw anyway, for the log. */
  readonly onError?: (error: unknown) => void;
}

/** The SSE event name of a snapshot; the page listens for it. */
export const SNAPSHOT_EVENT = "snapshot";

/**
 * Reads the domain every interval while someone watches, and only then: the console costs the
 * domain nothing when no page is open. Each pass becomes one snapshot frame for every client of
 * the bounded feed; a new client gets the latest snapshot at once.
 */
export class DomainWatch {
  readonly feed: SnapshotFeed;
  readonly #options: DomainWatchOptions;
  #task: PeriodicTask | undefined;
  #latest: DomainView | undefined;
  #latestAtMs = Number.NEGATIVE_INFINITY;
  #reading: Promise<DomainView> | undefined;

  constructor(options: DomainWatchOptions) {
    this.#options = options;
    this.feed = new SnapshotFeed({
      maxClients: options.maxClients,
      onClients: (n) => this.#watchers(n),
    });
  }

  get latest(): DomainView | undefined {
    return this.#latest;
  }

  /**
   * A client's stream, or undefined when the feed is full. It starts with the latest snapshot
   * when that is recent; otherwise with the pass that the first watcher starts at once.
   */
  subscribe(): ReadableStream<Uint8Array> | undefined {
    const latest = this.#recent();
    return this.feed.subscribe(
      latest === undefined ? undefined : sseFrame(JSON.stringify(latest), SNAPSHOT_EVENT),
    );
  }

  /**
   * A snapshot at most one interval old (for `GET /api/snapshot`): the latest when it is recent
   * enough, else one pass now, shared by every caller waiting meanwhile, so that requests, however
   * many, never read the domain more often than the feed does.
   */
  current(): Promise<DomainView> {
    const latest = this.#recent();
    return latest === undefined ? this.#read() : Promise.resolve(latest);
  }

  #recent(): DomainView | undefined {
    return this.#options.clock() - this.#latestAtMs < this.#options.intervalMs
      ? this.#latest
      : undefined;
  }

  async close(): Promise<void> {
    this.feed.close();
    const task = this.#task;
    this.#task = undefined;
    await task?.stop();
  }

  #watchers(clients: number): void {
    if (clients > 0 && this.#task === undefined) {
      this.#task = startPeriodicTask(() => this.#pass(), {
        periodMs: this.#options.intervalMs,
        backoff: { initialMs: this.#options.intervalMs, maxMs: this.#options.intervalMs },
        schedule: this.#options.schedule,
        ...(this.#options.onError ? { onError: this.#options.onError } : {}),
      });
    } else if (clients === 0 && this.#task !== undefined) {
      void this.#task.stop();
      this.#task = undefined;
    }
  }

  async #pass(): Promise<void> {
    const view = await this.#read();
    this.feed.publish(sseFrame(JSON.stringify(view), SNAPSHOT_EVENT));
  }

  #read(): Promise<DomainView> {
    this.#reading ??= (async () => {
      try {
        const view = assembleDomainView(await this.#options.read());
        this.#latest = view;
        this.#latestAtMs = this.#options.clock();
        return view;
      } finally {
        this.#reading = undefined;
      }
    })();
    return this.#reading;
  }
}
