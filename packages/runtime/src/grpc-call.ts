import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { joinChunks } from "./grpc-envelope.js";
import { codeFromHttpStatus, errorFromTrailers, toFetchHeaders } from "./grpc-status.js";
import type { Http2SessionPool } from "./http2-session-pool.js";
import { notSent } from "./request-not-sent.js";

export type CallDone = (
  error: ConnectError | undefined,
  headers?: IncomingHttpHeaders,
  payload?: Buffer,
  trailers?: IncomingHttpHeaders,
) => void;

/** One unary exchange on an HTTP/2 stream; settles exactly once. */
export class UnaryCall {
  private stream: ClientHttp2Stream | undefined;
  private session: ClientHttp2Session | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  private headers: IncomingHttpHeaders | undefined;
  private trailers: IncomingHttpHeaders | undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  /** The socket error that ended the stream, if any (say, ECONNREFUSED): a reader's cause. */
  private streamError: Error | undefined;
  private signal: AbortSignal | undefined;
  private readonly onAbort = () =>
    this.cancel(ConnectError.from(this.signal?.reason ?? "call cancelled", Code.Canceled));

  constructor(
    private readonly sessions: Http2SessionPool,
    private readonly readMaxBytes: number,
    private readonly done: CallDone,
  ) {}

  start(
    headers: OutgoingHttpHeaders,
    body: Buffer,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): void {
    let session: ReturnType<Http2SessionPool["session"]>;
    let stream: ClientHttp2Stream;
    try {
      session = this.sessions.session();
      stream = session.request(headers);
    } catch (error) {
      this.settle(notSent(error instanceof Error ? error.message : String(error)));
      return;
    }
    this.stream = stream;
    this.session = session;
    this.sessions.callStarted(session);
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setTimeout(() => {
        this.sessions.probe(session);
        this.cancel(new ConnectError("the operation timed out", Code.DeadlineExceeded));
      }, timeoutMs);
    }
    if (signal !== undefined) {
      this.signal = signal;
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    stream.on("response", (head) => {
      this.headers = head;
    });
    stream.on("data", (chunk: Buffer) => {
      this.size += chunk.byteLength;
      if (this.size > this.readMaxBytes + 5) {
        this.cancel(
          new ConnectError(
            `message larger than the limit of ${this.readMaxBytes} bytes`,
            Code.ResourceExhausted,
          ),
        );
        return;
      }
      this.chunks.push(chunk);
    });
    stream.on("trailers", (tail) => {
      this.trailers = tail;
    });
    stream.on("error", (error) => {
      // Reported through "close" with the stream's rstCode; see finish().
      this.streamError = error;
    });
    stream.on("close", () => {
      this.sessions.callEnded(session);
      this.finish(stream);
    });
    stream.end(body);
  }

  private finish(stream: ClientHttp2Stream): void {
    if (this.settled) return;
    const head = this.headers;
    if (head === undefined) {
      const refused = stream.rstCode === constants.NGHTTP2_REFUSED_STREAM;
      const neverConnected =
        this.session !== undefined && !this.sessions.wasConnected(this.session);
      this.settle(
        refused || neverConnected
          ? notSent(
              refused
                ? `stream refused by ${this.sessions.authority}`
                : `cannot connect to ${this.sessions.authority}`,
              this.streamError,
            )
          : new ConnectError(
              `connection to ${this.sessions.authority} closed before a response`,
              Code.Unavailable,
            ),
      );
      return;
    }
    const status = Number(head[":status"]);
    if (status !== 200) {
      this.settle(
        new ConnectError(
          `HTTP ${status} from ${this.sessions.authority}`,
          codeFromHttpStatus(status),
          toFetchHeaders(head),
        ),
      );
      return;
    }
    const contentType = head["content-type"];
    if (typeof contentType !== "string" || !contentType.startsWith("application/grpc")) {
      this.settle(
        new ConnectError(`unexpected content-type "${String(contentType)}"`, Code.Internal),
      );
      return;
    }
    // A trailers-only response carries its status in the headers.
    const tail = this.trailers ?? (head["grpc-status"] !== undefined ? head : undefined);
    if (tail === undefined) {
      this.settle(
        new ConnectError(
          stream.rstCode === constants.NGHTTP2_NO_ERROR
            ? "protocol error: missing trailers"
            : `stream reset by peer (code ${stream.rstCode})`,
          stream.rstCode === constants.NGHTTP2_NO_ERROR ? Code.Internal : Code.Unavailable,
        ),
      );
      return;
    }
    const error = errorFromTrailers(tail);
    if (error !== undefined) {
      // Response headers are metadata too: callers see both, as with connect-node.
      if (this.trailers !== undefined) copyInto(head, error.metadata);
      this.settle(error);
      return;
    }
    this.settled = true;
    this.cleanup();
    this.done(undefined, head, joinChunks(this.chunks, this.size), tail);
  }

  private cancel(error: ConnectError): void {
    if (this.settled) return;
    this.settle(error);
    this.stream?.close(constants.NGHTTP2_CANCEL);
  }

  private settle(error: ConnectError): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanup();
    this.done(error);
  }

  private cleanup(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.signal?.removeEventListener("abort", this.onAbort);
  }
}

function copyInto(from: IncomingHttpHeaders, to: Headers): void {
  for (const key in from) {
    if (key.charCodeAt(0) === 58 || key === "content-type" || key.startsWith("grpc-")) continue;
    const value = from[key];
    if (typeof value === "string" && !to.has(key)) to.set(key, value);
  }
}
