import { ConnectError, createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import type { Arrival } from "./routing-arrivals.js";

export interface PoissonLoadOptions {
  /** The calls, drawn beforehand (`poissonArrivals`): the same for every policy. */
  readonly arrivals: readonly Arrival[];
  /** Where client `i` sends its calls (a router, or a computer directly). */
  readonly endpointOf: (client: number) => string;
  /**
   * HTTP/2 connections per end-point, the clients spread over them (client i on connection
   * i mod n). A call costs its router ~40 % more CPU when every client has a connection of its
   * own (one wake-up per call instead of several calls per read), and on two shared cores that
   * CPU shows up as latency; the router's choices do not depend on the connection.
   */
  readonly connectionsPerEndpoint: number;
  readonly lambda: string;
  /** Calls one client has in flight at most; later arrivals of that client wait for a slot. */
  readonly maxInFlightPerClient: number;
  /** Deadline of each call. */
  readonly callTimeoutMs: number;
  /** How long to wait, after the last arrival, for the calls still in flight. */
  readonly drainMs: number;
  /** Things to do at given instants of the run (ms from its start), e.g. a step in the load. */
  readonly events?: readonly { readonly atMs: number; readonly run: () => void }[];
}

/** One call of the run, in arrival order. */
export interface CallRecord {
  readonly atMs: number;
  readonly client: number;
  /** From the scheduled arrival to the answer, ms; NaN when it failed or was never answered. */
  latencyMs: number;
  /** The destination that answered (the router fills `responder`); "" if none. */
  responder: string;
  /** Why it failed, if it did. */
  error: string | undefined;
  /** Whether it waited for a free slot of its client before being sent. */
  waited: boolean;
}

export interface PoissonLoadResult {
  readonly calls: readonly CallRecord[];
  /** Calls still unanswered `drainMs` after the last arrival (they count as failed). */
  readonly unanswered: number;
}

/**
 * An open-loop load from independent clients, each with its own connection: calls are sent at
 * their arrival instants whatever the answers do, as independent users would. Latency counts
 * from each call's scheduled arrival, so a late timer, a busy client or a call waiting for its
 * client's in-flight cap adds to it instead of hiding it (no coordinated omission). A client's
 * cap stands for a real client's connection limit; the calls that had to wait are counted.
 */
export async function runPoissonLoad(options: PoissonLoadOptions): Promise<PoissonLoadResult> {
  const { arrivals, maxInFlightPerClient } = options;
  const transports = new Map<string, EndpointTransport>();
  const clients = new Map<string, ReturnType<typeof createClient<typeof EdgeServer>>>();
  const clientOf = (i: number) => {
    const endpoint = options.endpointOf(i);
    const key = `${endpoint}#${i % options.connectionsPerEndpoint}`;
    let client = clients.get(key);
    if (client === undefined) {
      const transport = createTransport(endpoint);
      transports.set(key, transport);
      client = createClient(EdgeServer, transport);
      clients.set(key, client);
    }
    return client;
  };
  // Connections are opened before the first arrival: a handshake is not part of a call.
  for (const { client } of arrivals) clientOf(client);

  const calls: CallRecord[] = arrivals.map(({ atMs, client }) => ({
    atMs,
    client,
    latencyMs: Number.NaN,
    responder: "",
    error: undefined,
    waited: false,
  }));
  const inFlight = new Map<number, number>();
  const waiting = new Map<number, number[]>();
  let pending = 0;
  let closed = false;
  let allArrived = false;
  let settle: () => void = () => {};
  const drained = new Promise<void>((resolve) => {
    settle = resolve;
  });
  let start = 0;

  const send = (index: number) => {
    const record = calls[index] as CallRecord;
    inFlight.set(record.client, (inFlight.get(record.client) ?? 0) + 1);
    clientOf(record.client)
      .runLambda({ name: options.lambda, input: "x" }, { timeoutMs: options.callTimeoutMs })
      .then(
        (response) => {
          if (closed) return;
          if (response.retcode !== "OK") {
            record.error = `retcode: ${response.retcode}`;
            return;
          }
          record.latencyMs = performance.now() - (start + record.atMs);
          record.responder = response.responder;
        },
        (error: unknown) => {
          if (!closed) record.error = ConnectError.from(error).message;
        },
      )
      .finally(() => {
        inFlight.set(record.client, (inFlight.get(record.client) ?? 1) - 1);
        const next = closed ? undefined : waiting.get(record.client)?.shift();
        if (next !== undefined) send(next);
        pending--;
        if (allArrived && pending === 0) settle();
      });
  };
  const arrive = (index: number) => {
    pending++;
    const client = (calls[index] as CallRecord).client;
    if ((inFlight.get(client) ?? 0) < maxInFlightPerClient) {
      send(index);
      return;
    }
    (calls[index] as CallRecord).waited = true;
    let queue = waiting.get(client);
    if (queue === undefined) {
      queue = [];
      waiting.set(client, queue);
    }
    queue.push(index);
  };

  start = performance.now();
  const timers = (options.events ?? []).map(({ atMs, run }) => setTimeout(run, atMs));
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now() - start;
      // Every arrival that is due goes now: a timer late by 2 ms still sends the burst.
      for (; next < arrivals.length && (arrivals[next] as Arrival).atMs <= now; next++)
        arrive(next);
      const upcoming = arrivals[next];
      if (upcoming === undefined) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, upcoming.atMs - (performance.now() - start)));
    };
    tick();
  });
  allArrived = true;
  if (pending === 0) settle();
  const timer = setTimeout(settle, options.drainMs);
  await drained;
  clearTimeout(timer);
  for (const t of timers) clearTimeout(t);
  const unanswered = pending;
  for (const record of calls) {
    if (Number.isNaN(record.latencyMs) && record.error === undefined) {
      record.error = `unanswered ${options.drainMs} ms after the last arrival`;
    }
  }
  // Whatever still ends now (closing the transports cancels it) is not recorded.
  closed = true;
  for (const transport of transports.values()) transport.close();
  return { calls, unanswered };
}
