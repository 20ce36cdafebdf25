import { type ClientHttp2Session, connect, type OutgoingHttpHeaders } from "node:http2";
import {
  type CallDone,
  type ClosedLoopOptions,
  type LoadResult,
  runClosedLoop,
} from "./closed-loop.js";
import { runLambdaPath } from "./lambda-messages.js";

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

  /** Failed calls are counted, the next one issued on the next turn of the event loop. */
  closedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
    return runClosedLoop({ issue: (done) => this.call(done) }, options);
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

/** grpc-message is percent-encoded; a malformed one is shown as received rather than lost. */
function percentDecoded(message: string): string {
  try {
    return decodeURIComponent(message);
  } catch {
    return message;
  }
}
