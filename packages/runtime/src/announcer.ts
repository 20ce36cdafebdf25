import type { BackoffOptions } from "./backoff.js";
import type { Logger } from "./logger.js";
import { peerFailure } from "./peer-failure.js";
import { type PeriodicTask, startPeriodicTask } from "./periodic-task.js";
import type { Scheduler } from "./scheduler.js";

/** What is logged about an announcement beside the controller (end-points, lambda counts). */
export type AnnouncementFields = Readonly<Record<string, unknown>>;

export interface AnnouncerOptions {
  /**
   * The controller's end-point, for logs; with several controllers (`--controller-endpoint
   * a,b,c`), the transport that picks one, so each line names the one called now.
   */
  readonly controllerEndpoint: string | { readonly endpoint: string };
  /**
   * One announcement (AnnounceComputer, AnnounceRouter); rejects if the controller did not take
   * it. May resolve to fields for the log line ("announced", lambdas: 3).
   */
  readonly announce: () => Promise<AnnouncementFields | undefined>;
  /** Tells the controller this peer is gone, on close (routers have no such call). */
  readonly remove?: () => Promise<void>;
  /** Lease refresh period, ms: a third of the controller's lease. 0 announces once. */
  readonly periodMs: number;
  /**
   * Retries of a failed announcement. Default: from 200 ms up to 5 s, never longer than the
   * period, so a lease is not lost to one dropped call.
   */
  readonly backoff?: BackoffOptions;
  /** Timers; by default `setTimeout`s that never keep the process alive. */
  readonly schedule?: Scheduler;
  readonly logger: Logger;
}

// setTimeout's largest delay: "announce once" is a period that never comes.
const NEVER_MS = 2_147_483_647;

/**
 * Keeps a computer or a router known to the controller (DESIGN §4: membership is a lease). It
 * announces at once, then every period; an unreachable controller is retried with back-off
 * until it answers, instead of aborting start-up (the reference announced once, reference §12.2);
 * `changed()` announces again without waiting for the period (the wsk-computer's set of actions
 * changed); `close()` stops and removes the peer.
 *
 * Logs a person can read: "announced" once, and again after a change or after failures, a lease
 * refresh only at debug; an unreachable controller is an expected condition, one warning with the
 * cause and the time of the next try, and its retries at debug. Only an error that is not an RPC
 * failure (a bug) is logged with its stack.
 */
export class Announcer {
  readonly #options: AnnouncerOptions;
  #task: PeriodicTask | undefined;
  /** Bumped by every change; the controller took `#acknowledged` of them. */
  #version = 0;
  #acknowledged: number | undefined;
  /** Whether the next success is worth an info line (first, after a change or after failures). */
  #news = true;
  #closed = false;

  constructor(options: AnnouncerOptions) {
    this.#options = options;
  }

  /** Starts announcing (the first announcement goes out now); again is a no-op. */
  start(): void {
    if (this.#closed || this.#task !== undefined) return;
    const { periodMs, schedule } = this.#options;
    const period = periodMs > 0 ? periodMs : NEVER_MS;
    this.#task = startPeriodicTask(() => this.#announce(), {
      periodMs: period,
      backoff: this.#options.backoff ?? {
        initialMs: Math.min(200, period),
        maxMs: Math.min(period, 5_000),
      },
      onError: (error, failures, retryInMs) => this.#failed(error, failures, retryInMs),
      ...(schedule === undefined ? {} : { schedule }),
    });
  }

  /** What is announced changed: announce now (or right after the call in flight). */
  changed(): void {
    if (this.#closed) return;
    this.#version += 1;
    this.#news = true;
    if (this.#task === undefined) this.start();
    else this.#task.trigger();
  }

  /** Whether the controller took the latest announcement (nothing changed since). */
  get upToDate(): boolean {
    return this.#acknowledged === this.#version;
  }

  /** Stops announcing, waits for a call in flight, then removes this peer (if it ever started). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#task === undefined) return;
    await this.#task.stop();
    const { remove, logger } = this.#options;
    if (remove === undefined) return;
    const controllerEndpoint = this.#controller();
    try {
      await remove();
      logger.info({ controller: controllerEndpoint }, "removed from the controller");
    } catch (error) {
      // Shutting down: the lease expires anyway, so nothing is retried.
      const cause = peerFailure(error);
      if (cause === undefined) {
        logger.error({ err: error, controller: controllerEndpoint }, "removal failed");
      } else {
        logger.warn(
          { controller: controllerEndpoint, cause },
          `could not remove from the controller at ${controllerEndpoint}: ${cause}; its lease will expire`,
        );
      }
    }
  }

  #controller(): string {
    const controller = this.#options.controllerEndpoint;
    return typeof controller === "string" ? controller : controller.endpoint;
  }

  async #announce(): Promise<void> {
    const news = this.#news;
    const version = this.#version;
    this.#news = false;
    // A failure sets #news again (see #failed): the next try is news too.
    const fields = await this.#options.announce();
    const { logger } = this.#options;
    const line = { controller: this.#controller(), ...fields };
    if (news) logger.info(line, "announced");
    else logger.debug(line, "lease refreshed");
    this.#acknowledged = version;
  }

  #failed(error: unknown, failures: number, retryInMs: number): void {
    // A failure makes the next success news: the controller may have lost us meanwhile.
    this.#news = true;
    const { logger } = this.#options;
    const controllerEndpoint = this.#controller();
    const cause = peerFailure(error);
    if (cause === undefined) {
      logger.error(
        { err: error, controller: controllerEndpoint, failures, retryInMs },
        "announcement failed",
      );
      return;
    }
    // The first failure is news; the retries after it are not.
    logger[failures === 1 ? "warn" : "debug"](
      { controller: controllerEndpoint, cause, failures, retryInMs },
      `controller ${controllerEndpoint} not reachable (${cause}); next try in ${formatDelay(retryInMs)}`,
    );
  }
}

function formatDelay(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Number((ms / 1_000).toFixed(1))} s`;
}
