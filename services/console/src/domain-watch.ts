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

  /** A client's stream, or undefined when the feed is full. */
  subscribe(): ReadableStream<Uint8Array> | undefined {
    const latest = this.#latest;
    return this.feed.subscribe(
      latest === undefined ? undefined : sseFrame(JSON.stringify(latest), SNAPSHOT_EVENT),
    );
  }

  /** One pass now, outside the schedule (for `GET /api/snapshot`). */
  async snapshot(): Promise<DomainView> {
    const view = assembleDomainView(await this.#options.read());
    this.#latest = view;
    return view;
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
    const view = await this.snapshot();
    this.feed.publish(sseFrame(JSON.stringify(view), SNAPSHOT_EVENT));
  }
}
