import { mulberry32 } from "@soe/reference";

/** One call of an open-loop load: when it arrives (ms from the start) and which client sends it. */
export interface Arrival {
  readonly atMs: number;
  readonly client: number;
}

export interface ArrivalOptions {
  /** Mean arrivals per second, over all clients together. */
  readonly rate: number;
  readonly durationMs: number;
  /** Independent client streams the arrivals are spread over. */
  readonly clients: number;
  readonly seed: number;
}

/**
 * A seeded Poisson arrival process, drawn in full before the run so that every policy gets the
 * very same calls at the very same instants. Inter-arrival times are exponential with mean
 * 1/rate; each arrival goes to a client drawn uniformly, which splits one Poisson process into
 * `clients` independent Poisson processes of rate rate/clients (thinning), as independent users
 * would be.
 */
export function poissonArrivals(options: ArrivalOptions): Arrival[] {
  const { rate, durationMs, clients, seed } = options;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`invalid arrival rate: ${rate}`);
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`invalid clients: ${clients}`);
  const rng = mulberry32(seed);
  const meanGapMs = 1000 / rate;
  // 1 − u lies in (0, 1]: the logarithm is finite.
  const gap = () => -Math.log(1 - rng()) * meanGapMs;
  const arrivals: Arrival[] = [];
  for (let at = gap(); at < durationMs; at += gap()) {
    arrivals.push({ atMs: at, client: Math.min(clients - 1, Math.floor(rng() * clients)) });
  }
  return arrivals;
}
