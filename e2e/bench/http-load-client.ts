import { Agent, type OutgoingHttpHeaders, request } from "node:http";
import type { LoadResult } from "@soe/bench";
import { LatencySamples, percentile } from "./latency-stats.js";

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

export interface HttpClosedLoopOptions {
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Runs at the instants the measured window opens and closes (to read CPU times then). */
  readonly onWindow?: (edge: "open" | "close") => void;
}

type CallDone = (error: string | undefined) => void;

// Stop waiting for calls still in flight at the end of a run after this long.
const drainTimeoutMs = 5_000;

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
    return new Promise((resolve, reject) => {
      let phase: "warmup" | "measure" | "stopping" = "warmup";
      const latencies = new LatencySamples();
      let errors = 0;
      let firstError: string | undefined;
      let inFlight = 0;
      let windowStart = 0n;
      let windowEnd = 0n;
      let finished = false;
      let drainTimer: NodeJS.Timeout | undefined;
      let windowFailure: unknown;

      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(drainTimer);
        if (windowFailure !== undefined) {
          reject(windowFailure);
          return;
        }
        const sorted = latencies.sorted();
        const windowSeconds = Number(windowEnd - windowStart) / 1e9;
        resolve({
          calls: latencies.count,
          errors,
          firstError,
          windowSeconds,
          callsPerSecond: latencies.count / windowSeconds,
          p50Ms: percentile(sorted, 0.5) / 1e6,
          p99Ms: percentile(sorted, 0.99) / 1e6,
        });
      };

      const issue = () => {
        if (phase === "stopping") {
          if (inFlight === 0) finish();
          return;
        }
        inFlight++;
        const started = process.hrtime.bigint();
        this.#send((error) => {
          inFlight--;
          if (error === undefined) {
            if (phase === "measure") latencies.add(Number(process.hrtime.bigint() - started));
            issue();
          } else {
            errors++;
            firstError ??= error;
            // A refused connection fails at once: retrying on the same tick would spin.
            setTimeout(issue, 1);
          }
        });
      };

      const windowEdge = (edge: "open" | "close") => {
        try {
          options.onWindow?.(edge);
        } catch (error) {
          windowFailure ??= error;
        }
      };

      const stop = () => {
        windowEnd = process.hrtime.bigint();
        phase = "stopping";
        if (inFlight === 0) finish();
        drainTimer = setTimeout(() => {
          errors += inFlight;
          firstError ??= `${inFlight} calls still unanswered ${drainTimeoutMs} ms after the run`;
          finish();
        }, drainTimeoutMs);
      };

      setTimeout(() => {
        windowEdge("open");
        windowStart = process.hrtime.bigint();
        if (windowFailure !== undefined) {
          stop();
          return;
        }
        phase = "measure";
        setTimeout(() => {
          windowEdge("close");
          stop();
        }, options.measureMs);
      }, options.warmupMs);

      for (let i = 0; i < this.concurrency; i++) issue();
    });
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
