import { Agent, type OutgoingHttpHeaders, request } from "node:http";
import { type CallDone, type ClosedLoopOptions, type LoadResult, runClosedLoop } from "@soe/bench";

/** One HTTP call, sent again and again: the same bytes, the same expected answer. */
export interface HttpCall {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  /** The exact response body a successful call returns (status 200 is checked too). */
  readonly expectedBody: string;
}

/** The concurrency is the client's: as many calls in flight as it has connections. */
export type HttpClosedLoopOptions = Omit<ClosedLoopOptions, "concurrency">;

/**
 * A closed-loop HTTP/1.1 load client: `concurrency` calls in flight over as many keep-alive
 * connections (an Agent with keepAlive and maxSockets = concurrency, Nagle off), each completion
 * issuing the next call. Every answer is checked (status and body), nothing else is decoded.
 */
export class HttpLoadClient {
  readonly #agent: Agent;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly call: HttpCall,
    private readonly concurrency: number,
  ) {
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: concurrency,
      maxFreeSockets: concurrency,
      noDelay: true,
    });
  }

  /** One call, to check the whole path before loading it: resolves with the error, if any. */
  once(): Promise<string | undefined> {
    return new Promise((resolve) => this.#send(resolve));
  }

  closedLoop(options: HttpClosedLoopOptions): Promise<LoadResult> {
    return runClosedLoop(
      // A refused connection fails at once: the next call waits a millisecond.
      { issue: (done) => this.#send(done), errorBackoffMs: 1 },
      { ...options, concurrency: this.concurrency },
    );
  }

  close(): void {
    this.#agent.destroy();
  }

  #send(done: CallDone): void {
    const { method, path, headers, body, expectedBody } = this.call;
    let settled = false;
    const settle = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      done(error);
    };
    const req = request(
      { host: this.host, port: this.port, method, path, headers, agent: this.#agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => settle(`response: ${error.message}`));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            settle(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
          } else if (text !== expectedBody) {
            settle(`unexpected body: ${text.slice(0, 200)}`);
          } else {
            settle(undefined);
          }
        });
      },
    );
    req.on("error", (error) => settle(error.message));
    req.end(body);
  }
}
