import { create } from "@bufbuild/protobuf";
import { type LambdaRequest, type LambdaResponse, LambdaResponseSchema } from "@soe/proto";
import { requestNotSent } from "@soe/runtime";

/** Sends one request and resolves with the response; rejects when the RPC fails. */
export type LambdaCaller = (request: LambdaRequest, signal: AbortSignal) => Promise<LambdaResponse>;

export interface Destination {
  readonly endpoint: string;
  readonly call: LambdaCaller;
}

type Outcome =
  | { readonly index: number; readonly response: LambdaResponse }
  | { readonly index: number; readonly response?: undefined; readonly notSent: boolean };

/** What the reference answers when every destination failed (Edge/edgeclientmulti.cpp). */
export const NONE_RESPONDED = "none of the destinations responded correctly";

/**
 * The multi-destination client (reference §7.3): each call goes to the current primary and to
 * every other destination with probability `persistence`; the first OK response wins, its
 * responder is set to its destination, and that destination becomes the primary. The other calls
 * are left to finish, and the next call waits for them first (so at most one call per destination
 * is in flight). When no response is OK the result is the last response to arrive, or a
 * `none of the destinations responded correctly` response if that last one was an RPC failure.
 * Failover (issue 13): when the primary's request provably never reached it (refused: the router
 * is down) and nothing was OK, the destinations not called yet are tried one at a time, in order
 * after the primary, while their requests are refused too; the first OK one becomes the primary.
 * A request that may have reached its destination is never sent again (it may have run).
 */
export class MultiDestinationCaller {
  #primary = 0;
  #stragglers: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly destinations: readonly Destination[],
    private readonly persistence: number,
    private readonly rng: () => number,
  ) {
    if (destinations.length === 0) throw new Error("Empty set of destinations");
    if (!(persistence >= 0 && persistence <= 1)) {
      throw new Error(
        `Invalid configuration: persistence probability (${persistence}) cannot be < 0 or > 1`,
      );
    }
  }

  /** Index of the destination tried first. */
  get primary(): number {
    return this.#primary;
  }

  readonly call: LambdaCaller = async (request, signal) => {
    await this.#stragglers;
    const pending = new Map<number, Promise<Outcome>>();
    this.destinations.forEach(({ call }, index) => {
      if (index !== this.#primary && !(this.rng() < this.persistence)) return;
      pending.set(
        index,
        call(request, signal).then(
          (response) => ({ index, response }),
          (error: unknown) => ({ index, notSent: requestNotSent(error) }),
        ),
      );
    });

    const called = new Set(pending.keys());
    let primaryNotSent = false;
    let last: Outcome | undefined;
    while (pending.size > 0) {
      last = await Promise.race(pending.values());
      pending.delete(last.index);
      if (last.response?.retcode === "OK") {
        this.#stragglers = Promise.all(pending.values());
        return this.#answeredBy(last.index, last.response);
      }
      if (last.index === this.#primary)
        primaryNotSent = last.response === undefined && last.notSent;
    }
    const count = this.destinations.length;
    for (let step = 1; primaryNotSent && step < count && !signal.aborted; step++) {
      const index = (this.#primary + step) % count;
      if (called.has(index)) continue;
      const destination = this.destinations[index] as Destination;
      try {
        last = { index, response: await destination.call(request, signal) };
      } catch (error) {
        last = { index, notSent: requestNotSent(error) };
        if (last.notSent) continue;
        break;
      }
      if (last.response.retcode === "OK") return this.#answeredBy(index, last.response);
      break;
    }
    return last?.response ?? create(LambdaResponseSchema, { retcode: NONE_RESPONDED });
  };

  /** The OK response of destination `index`, which becomes the primary. */
  #answeredBy(index: number, response: LambdaResponse): LambdaResponse {
    this.#primary = index;
    const endpoint = this.destinations[index]?.endpoint ?? "";
    return { ...response, responder: endpoint };
  }
}
