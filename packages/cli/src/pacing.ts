import { UsageError } from "./cli-io.js";

/** How the time between requests is drawn (`--inter-request-type`, reference §7.1). */
export const INTER_REQUEST_TYPES = ["constant", "uniform", "poisson"] as const;
export type InterRequestType = (typeof INTER_REQUEST_TYPES)[number];

export function parseInterRequestType(text: string): InterRequestType {
  const type = INTER_REQUEST_TYPES.find((t) => t === text);
  // The reference's message: "Invalid distribution type: X".
  if (type === undefined) throw new UsageError(`Invalid distribution type: ${text}`);
  return type;
}

/**
 * Draws gaps, in ms, with mean `meanMs` (reference §7.1): constant → the mean itself; uniform →
 * U(0, 2·mean); poisson → exponential with that mean (Poisson arrivals). `rng` is uniform in [0, 1).
 */
export function gapSampler(
  type: InterRequestType,
  meanMs: number,
  rng: () => number,
): () => number {
  switch (type) {
    case "constant":
      return () => meanMs;
    case "uniform":
      return () => 2 * meanMs * rng();
    case "poisson":
      // log1p(-u) is finite for u in [0, 1); max(0, …) turns the -0 of u = 0 into 0.
      return () => (meanMs === 0 ? 0 : Math.max(0, -meanMs * Math.log1p(-rng())));
  }
}

/**
 * The schedule of one closed-loop client (reference §7.2, Simulation/unifclient.cpp): it waits one
 * draw before its first request; after each response it waits for the instant the next request is
 * scheduled at — the previous scheduled instant plus a fresh draw. When responses are slower than
 * the schedule, requests go back to back and the schedule is not reset, so a client that fell
 * behind catches up.
 */
export class ClosedLoopPacer {
  #scheduled = 0;

  constructor(private readonly draw: () => number) {}

  /** The wait before the first request, ms. */
  initialWait(): number {
    return this.draw();
  }

  /** Anchors the schedule where the initial wait actually ended. */
  begin(now: number): void {
    this.#scheduled = now;
  }

  /**
   * After a response received at `now`: ms to wait before the next request. A negative value
   * means the client lags behind its schedule by that much (and sends at once).
   */
  waitAfterResponse(now: number): number {
    const gap = this.draw();
    const wait = gap - (now - this.#scheduled);
    this.#scheduled += gap;
    return wait;
  }
}

/**
 * Arrival instants of an open-loop client (`--rate`): the first one draw after `start`, each
 * next one a draw later (the mean gap must be positive, or every arrival is due at once). Arrivals do not wait for responses; when the event loop wakes late,
 * every arrival already due is taken at once, so the offered rate holds.
 */
export class ArrivalSchedule {
  #next: number;

  constructor(
    private readonly draw: () => number,
    start: number,
  ) {
    this.#next = start + draw();
  }

  /** The instant of the next arrival, ms. */
  get nextAt(): number {
    return this.#next;
  }

  /** How many arrivals are due at `now`, at most `limit` (and consumes them). */
  takeDue(now: number, limit = Number.POSITIVE_INFINITY): number {
    let due = 0;
    while (due < limit && this.#next <= now) {
      due++;
      this.#next += this.draw();
    }
    return due;
  }
}
