import { type ClientHttp2Session, connect, type OutgoingHttpHeaders } from "node:http2";
import { runLambdaPath } from "./lambda-messages.js";

export interface ClosedLoopOptions {
  /** Calls kept in flight: each completion issues the next call. */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Runs at the instants the measured window opens and closes (to read the hop's CPU then). */
  readonly onWindow?: (edge: "open" | "close") => void;
}

export interface LoadResult {
  /** Calls that completed OK inside the measured window. */
  readonly calls: number;
  /** Failed calls over warm-up and window: any non-OK grpc-status, reset or missing answer. */
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly windowSeconds: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

type CallDone = (error: string | undefined) => void;

// Stop waiting for calls still in flight at the end of a run after this long.
const drainTimeoutMs = 5_000;

/**
 * A gRPC client reduced to what a load generator needs: one HTTP/2 session, one pre-encoded
 * request sent again and again, the answer checked only for its status. Nothing is decoded, so
 * the client spends as little as possible of the core it shares with the echo server.
 */
export class UnaryLoadClient {
  private readonly requestHeaders: OutgoingHttpHeaders;

  private constructor(
    private readonly session: ClientHttp2Session,
    private readonly requestFrame: Buffer,
    path: string,
  ) {
    this.requestHeaders = {
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc+proto",
      te: "trailers",
    };
  }

  /** `requestFrame` is sent on every call, to `path` (RunLambda unless told otherwise). */
  static connect(
    authority: string,
    requestFrame: Buffer,
    path: string = runLambdaPath,
  ): Promise<UnaryLoadClient> {
    return new Promise((resolve, reject) => {
      const session = connect(`http://${authority}`);
      session.once("error", reject);
      session.once("connect", () => {
        session.off("error", reject);
        session.on("error", () => {
          // The calls on a failed session fail one by one and are counted as errors.
        });
        resolve(new UnaryLoadClient(session, requestFrame, path));
      });
    });
  }

  /** One call, to check the whole path before loading it: resolves with the error, if any. */
  once(): Promise<string | undefined> {
    return new Promise((resolve) => this.call(resolve));
  }

  closedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      let phase: "warmup" | "measure" | "stopping" = "warmup";
      let latenciesNs = new Float64Array(1 << 16);
      let calls = 0;
      let errors = 0;
      let firstError: string | undefined;
      let inFlight = 0;
      let windowStart = 0n;
      let windowEnd = 0n;
      let finished = false;
      let drainTimer: NodeJS.Timeout | undefined;
      // What onWindow threw (e.g. the hop died and its /proc entry is gone): the run is void.
      let windowFailure: unknown;

      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(drainTimer);
        if (windowFailure !== undefined) {
          reject(windowFailure);
          return;
        }
        const sorted = latenciesNs.subarray(0, calls).sort();
        const windowSeconds = Number(windowEnd - windowStart) / 1e9;
        resolve({
          calls,
          errors,
          firstError,
          windowSeconds,
          callsPerSecond: calls / windowSeconds,
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
        this.call((error) => {
          inFlight--;
          if (error === undefined) {
            if (phase === "measure") {
              if (calls === latenciesNs.length) {
                const grown = new Float64Array(calls * 2);
                grown.set(latenciesNs);
                latenciesNs = grown;
              }
              latenciesNs[calls++] = Number(process.hrtime.bigint() - started);
            }
            issue();
          } else {
            errors++;
            firstError ??= error;
            // A failure can be synchronous (closed session): retrying on the same tick would spin.
            setImmediate(issue);
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

      for (let i = 0; i < options.concurrency; i++) issue();
    });
  }

  close(): void {
    this.session.close();
  }

  private call(done: CallDone): void {
    let stream: ReturnType<ClientHttp2Session["request"]>;
    try {
      stream = this.session.request(this.requestHeaders);
    } catch (error) {
      done(error instanceof Error ? error.message : String(error));
      return;
    }
    let status: string | undefined;
    let message: string | undefined;
    let bytes = 0;
    stream.on("response", (head) => {
      if (head[":status"] !== 200) {
        status = `HTTP ${head[":status"]}`;
      } else if (head["grpc-status"] !== undefined) {
        // Trailers-only response: the status comes with the headers.
        status = String(head["grpc-status"]);
        message = head["grpc-message"] as string | undefined;
      }
    });
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.byteLength;
    });
    stream.on("trailers", (tail) => {
      status = String(tail["grpc-status"]);
      message = tail["grpc-message"] as string | undefined;
    });
    stream.on("error", () => {
      // Surfaces as "close" with an rstCode and no status.
    });
    stream.on("close", () => {
      if (status === "0" && bytes >= 5) {
        done(undefined);
      } else if (status === undefined) {
        done(`no status (stream closed, rstCode ${stream.rstCode})`);
      } else if (status === "0") {
        done("grpc-status 0 without a response message");
      } else {
        done(`grpc-status ${status}${message === undefined ? "" : `: ${percentDecoded(message)}`}`);
      }
    });
    stream.end(this.requestFrame);
  }
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** grpc-message is percent-encoded; a malformed one is shown as received rather than lost. */
function percentDecoded(message: string): string {
  try {
    return decodeURIComponent(message);
  } catch {
    return message;
  }
}
