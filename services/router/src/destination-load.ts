/** The calls in flight towards one destination, live: read it at each pick. */
export interface InFlight {
  readonly inFlight: number;
}

/** What policies read of the router's own load. */
export interface InFlightView {
  /** The live counter of a destination: policies keep it, so a pick reads it without hashing. */
  counter(destination: string): InFlight;
}

const IDLE: InFlight = { inFlight: 0 };

/** No traffic at all: what a table sees when nothing forwards through it (unit tests, benches). */
export const NO_LOAD: InFlightView = { counter: () => IDLE };

interface Load extends InFlight {
  /** Calls of this router in flight towards the destination (all lambdas, both tables). */
  inFlight: number;
  /** Seconds: ∫ 1/inFlight dt while inFlight > 0 — the processor share one call received. */
  share: number;
  /** ms: when `share` was last brought up to date. */
  since: number;
}

/** One forwarded call, from `start` to `finish`. */
export interface CallTicket {
  readonly load: Load;
  readonly share: number;
  readonly started: number;
}

/** What a finished call tells the policies: its latency and the load it ran against. */
export interface CallSample {
  /** Seconds, start to finish. */
  readonly seconds: number;
  /**
   * Seconds of service the call would have received alone, assuming the destination shares its
   * processor evenly between this router's calls (processor sharing, reference §5.1): the
   * latency divided by the harmonic mean of the calls in flight during its life. Equal to
   * `seconds` when the call ran alone.
   */
  readonly alone: number;
}

/**
 * The router's calls in flight per destination, counted from the pick (including time queued in
 * the per-destination limiter) to the end of the call, whatever its outcome. O(1) per call: a
 * counter and a running integral of 1/inFlight, from which a finished call learns how much of
 * the destination it had (the "alone" time of `CallSample`). Not thread-safe, and needs not be.
 * A destination's counter lives as long as the router (a few dozen bytes per destination ever
 * used), so that policies can hold it and read it at each pick without hashing.
 */
export class DestinationLoad implements InFlightView {
  readonly #loads = new Map<string, Load>();

  constructor(private readonly clock: () => number) {}

  counter(destination: string): InFlight {
    return this.#load(destination);
  }

  inFlight(destination: string): number {
    return this.#loads.get(destination)?.inFlight ?? 0;
  }

  start(destination: string): CallTicket {
    const now = this.clock();
    const load = this.#load(destination);
    advance(load, now);
    load.inFlight += 1;
    return { load, share: load.share, started: now };
  }

  /** Ends a call (call it exactly once per ticket) and describes it. */
  finish(ticket: CallTicket): CallSample {
    const now = this.clock();
    const { load } = ticket;
    advance(load, now);
    load.inFlight -= 1;
    const seconds = (now - ticket.started) / 1000;
    const alone = load.share - ticket.share;
    // Only differences matter: starting over when idle keeps the integral small and exact.
    if (load.inFlight === 0) load.share = 0;
    return { seconds, alone: alone > 0 ? Math.min(alone, seconds) : seconds };
  }

  #load(destination: string): Load {
    let load = this.#loads.get(destination);
    if (load === undefined) {
      load = { inFlight: 0, share: 0, since: this.clock() };
      this.#loads.set(destination, load);
    }
    return load;
  }
}

function advance(load: Load, now: number): void {
  if (load.inFlight > 0) load.share += (now - load.since) / 1000 / load.inFlight;
  load.since = now;
}
