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
import { type ClientOptions, createTransport, type EndpointTransport } from "./transports.js";

/**
 * `--controller-endpoint a,b,c` (issue 13): the controllers of a domain, any of which takes
 * announcements and answers reads. Throws with the offending member named; empty gives none.
 */
export function parseControllerEndpoints(text: string): string[] {
  if (text.trim() === "") return [];
  return text.split(",").map((member) => {
    const endpoint = member.trim();
    parseEndpoint(endpoint);
    return endpoint;
  });
}

/** Told when calls move on to another controller, for logs. */
export type ControllerSwitchListener = (from: string, to: string, error: unknown) => void;

/** Failures that say nothing answered at that end-point: the next one may. */
function unanswered(error: unknown): boolean {
  return (
    error instanceof ConnectError &&
    (error.code === Code.Unavailable || error.code === Code.DeadlineExceeded)
  );
}

/**
 * One transport over several controllers: calls go to the first that answers, and stay with it
 * until it fails to answer; then they move on to the next, in order, round the list. A unary
 * call whose request provably never left (nothing listening, say) is retried at once on each
 * other controller; one that may have reached a controller fails as it did, and the next call
 * goes elsewhere (control calls are retried by their callers, who know whether that is safe).
 */
export class FailoverTransport implements EndpointTransport {
  readonly #endpoints: readonly string[];
  readonly #transportOf: (endpoint: string) => Transport;
  readonly #onSwitch: ControllerSwitchListener | undefined;
  readonly #close: () => void;
  #current = 0;

  constructor(options: {
    readonly endpoints: readonly string[];
    /** The transport to one end-point (created once per end-point by the caller, or pooled). */
    readonly transportOf: (endpoint: string) => Transport;
    readonly onSwitch?: ControllerSwitchListener;
    /** Where a move to another controller is logged (a warning), if given. */
    readonly logger?: Logger;
    /** Closes what `transportOf` opened, if it is ours to close. */
    readonly close?: () => void;
  }) {
    if (options.endpoints.length === 0) throw new Error("no controller end-point");
    this.#endpoints = [...options.endpoints];
    this.#transportOf = options.transportOf;
    const { logger, onSwitch } = options;
    this.#onSwitch =
      logger === undefined
        ? onSwitch
        : (from, to, error) => {
            const cause = peerFailure(error) ?? String(error);
            logger.warn(
              { controller: from, next: to, cause },
              `controller ${from} not answering (${cause}): moving on to ${to}`,
            );
            onSwitch?.(from, to, error);
          };
    this.#close = options.close ?? (() => {});
  }

  /** The controller calls go to now. */
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
        if (!unanswered(error)) throw error;
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
      if (unanswered(error)) this.#moveOn(index, error);
      throw error;
    }
  }

  close(): void {
    this.#close();
  }

  /** Leaves `index` for the next controller, unless a concurrent call already moved on. */
  #moveOn(index: number, error: unknown): void {
    if (this.#endpoints.length === 1 || this.#current !== index) return;
    this.#current = (index + 1) % this.#endpoints.length;
    this.#onSwitch?.(this.#endpoints[index] as string, this.endpoint, error);
  }
}

/**
 * A transport to the controllers of `--controller-endpoint a,b,c`, a session each, opened as
 * needed and closed with it. One end-point gives the same behaviour as before, through one more
 * indirection.
 */
export function createControllerTransport(
  endpoints: string | readonly string[],
  options: ClientOptions & {
    readonly onSwitch?: ControllerSwitchListener;
    readonly logger?: Logger;
  } = {},
): FailoverTransport {
  const list = typeof endpoints === "string" ? parseControllerEndpoints(endpoints) : endpoints;
  const { onSwitch, logger, ...clientOptions } = options;
  const opened = new Map<string, EndpointTransport>();
  return new FailoverTransport({
    endpoints: list,
    transportOf: (endpoint) => {
      let transport = opened.get(endpoint);
      if (transport === undefined) {
        transport = createTransport(endpoint, clientOptions);
        opened.set(endpoint, transport);
      }
      return transport;
    },
    ...(onSwitch === undefined ? {} : { onSwitch }),
    ...(logger === undefined ? {} : { logger }),
    close: () => {
      for (const transport of opened.values()) transport.close();
      opened.clear();
    },
  });
}
