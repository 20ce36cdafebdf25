import type {
  DescMessage,
  DescMethodStreaming,
  DescMethodUnary,
  MessageInitShape,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
} from "@connectrpc/connect";
import { parseEndpoint } from "./endpoint.js";
import type { Logger } from "./logger.js";
import { peerFailure } from "./peer-failure.js";
import { requestNotSent } from "./request-not-sent.js";
import type { EndpointTransport } from "./transports.js";

/**
 * `a,b,c` (issue 13): several end-points of one role (controllers, routers), any of which serves
 * the same calls. Throws with the offending member named; empty gives none.
 */
export function parseEndpointList(text: string): string[] {
  if (text.trim() === "") return [];
  return text.split(",").map((member) => {
    const endpoint = member.trim();
    parseEndpoint(endpoint);
    return endpoint;
  });
}

/** Told when calls move on to another end-point, for logs. */
export type EndpointSwitchListener = (from: string, to: string, error: unknown) => void;

/** Which failures make calls move on to the next end-point. */
export type MoveOnPolicy = (error: unknown) => boolean;

/**
 * Control calls: anything that says nothing answered at that end-point (unavailable, or no answer
 * in time); the next one may.
 */
export const moveOnUnanswered: MoveOnPolicy = (error) =>
  error instanceof ConnectError &&
  (error.code === Code.Unavailable || error.code === Code.DeadlineExceeded);

/**
 * Data path: only a request that provably never reached the peer (nothing listening, stream
 * refused). A router's own answers (`unavailable` when it has no computer, a deadline on a slow
 * action) say nothing about the router, and a call lost in flight is not retried anyway; the next
 * call to a dead router is refused, and moves on then.
 */
export const moveOnNotSent: MoveOnPolicy = requestNotSent;

export interface FailoverTransportOptions {
  readonly endpoints: readonly string[];
  /** The transport to one end-point (created once per end-point by the caller, or pooled). */
  readonly transportOf: (endpoint: string) => Transport;
  /** When calls move on; `moveOnUnanswered` unless given. */
  readonly moveOn?: MoveOnPolicy;
  readonly onSwitch?: EndpointSwitchListener;
  /** Where a move to another end-point is logged (a warning), if given. */
  readonly logger?: Logger;
  /** What the end-points are, for that log line ("controller", "router"). */
  readonly role?: string;
  /** Closes what `transportOf` opened, if it is ours to close. */
  readonly close?: () => void;
}

/**
 * One transport over several end-points of one role: calls go to the current one (the first at
 * the start) and stay with it until a failure `moveOn` accepts; then they move on to the next, in
 * order, round the list. An end-point that comes back is used again when the list comes round to
 * it, not sooner: staying costs nothing and a peer that has just restarted is the least proven.
 * A unary call whose request provably never left (nothing listening, say) is retried at once on
 * each other end-point; one that may have reached its peer fails as it did (it may have run), and
 * the next call goes elsewhere if the policy says so. Streams are never retried.
 */
export class FailoverTransport implements EndpointTransport {
  readonly #endpoints: readonly string[];
  readonly #transportOf: (endpoint: string) => Transport;
  readonly #moveOnAfter: MoveOnPolicy;
  readonly #onSwitch: EndpointSwitchListener | undefined;
  readonly #close: () => void;
  #current = 0;

  constructor(options: FailoverTransportOptions) {
    const role = options.role ?? "controller";
    if (options.endpoints.length === 0) throw new Error(`no ${role} end-point`);
    this.#endpoints = [...options.endpoints];
    this.#transportOf = options.transportOf;
    this.#moveOnAfter = options.moveOn ?? moveOnUnanswered;
    const { logger, onSwitch } = options;
    this.#onSwitch =
      logger === undefined
        ? onSwitch
        : (from, to, error) => {
            const cause = peerFailure(error) ?? String(error);
            logger.warn(
              { [role]: from, next: to, cause },
              `${role} ${from} not answering (${cause}): moving on to ${to}`,
            );
            onSwitch?.(from, to, error);
          };
    this.#close = options.close ?? (() => {});
  }

  /** The end-point calls go to now. */
  get endpoint(): string {
    return this.#endpoints[this.#current] as string;
  }

  get endpoints(): readonly string[] {
    return this.#endpoints;
  }

  async unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: Parameters<Transport["unary"]>[3],
    input: MessageInitShape<I>,
    contextValues?: ContextValues,
  ): Promise<UnaryResponse<I, O>> {
    for (let tries = 1; ; tries++) {
      const index = this.#current;
      try {
        return await this.#transportOf(this.#endpoints[index] as string).unary(
          method,
          signal,
          timeoutMs,
          header,
          input,
          contextValues,
        );
      } catch (error) {
        if (!this.#moveOnAfter(error)) throw error;
        this.#moveOn(index, error);
        const again =
          requestNotSent(error) && tries < this.#endpoints.length && signal?.aborted !== true;
        if (!again) throw error;
      }
    }
  }

  async stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodStreaming<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: Parameters<Transport["unary"]>[3],
    input: AsyncIterable<MessageInitShape<I>>,
    contextValues?: ContextValues,
  ): Promise<StreamResponse<I, O>> {
    const index = this.#current;
    try {
      return await this.#transportOf(this.#endpoints[index] as string).stream(
        method,
        signal,
        timeoutMs,
        header,
        input,
        contextValues,
      );
    } catch (error) {
      if (this.#moveOnAfter(error)) this.#moveOn(index, error);
      throw error;
    }
  }

  close(): void {
    this.#close();
  }

  /** Leaves `index` for the next end-point, unless a concurrent call already moved on. */
  #moveOn(index: number, error: unknown): void {
    if (this.#endpoints.length === 1 || this.#current !== index) return;
    this.#current = (index + 1) % this.#endpoints.length;
    this.#onSwitch?.(this.#endpoints[index] as string, this.endpoint, error);
  }
}
