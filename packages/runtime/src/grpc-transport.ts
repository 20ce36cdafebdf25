import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";
import {
  create,
  type DescMessage,
  type DescMethodStreaming,
  type DescMethodUnary,
  fromBinary,
  isMessage,
  type MessageInitShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextValues,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
} from "@connectrpc/connect";
import { decodeUnaryEnvelope, encodeEnvelope, joinChunks } from "./grpc-envelope.js";
import { codeFromHttpStatus, errorFromTrailers, toFetchHeaders } from "./grpc-status.js";
import type { Http2SessionPool } from "./http2-session-pool.js";

export interface GrpcTransportOptions {
  readonly sessions: Http2SessionPool;
  /** Deadline for calls that set none; undefined = no deadline. */
  readonly defaultTimeoutMs?: number;
  readonly readMaxBytes?: number;
  readonly writeMaxBytes?: number;
  /** Headers sent with every call (e.g. the control-plane token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Serves streaming methods, which the lean path does not carry. */
  readonly streaming?: Transport;
}

type HeadersInit = NonNullable<ConstructorParameters<typeof Headers>[0]>;

const userAgent = `soe-runtime/0.1 node/${process.versions.node}`;

/** Header names a caller may not set: they belong to HTTP/2 or to the gRPC protocol. */
const protocolHeaders = new Set([
  "content-type",
  "te",
  "grpc-timeout",
  "grpc-encoding",
  "grpc-accept-encoding",
  "content-length",
  "connection",
  "host",
]);

/**
 * A Connect `Transport` that carries unary gRPC over one shared node:http2 session per
 * destination, without connect-node's streaming pipeline (DESIGN §8). Calls made through
 * `createClient(Service, transport)` behave as with connect-node: deadlines, cancellation,
 * metadata, trailers, ConnectError codes. Streaming methods are delegated.
 */
export function createGrpcTransport(options: GrpcTransportOptions): Transport {
  const readMaxBytes = options.readMaxBytes ?? 4 * 1024 * 1024;
  const writeMaxBytes = options.writeMaxBytes ?? 4 * 1024 * 1024;
  const baseHeaders: OutgoingHttpHeaders = {
    ":method": "POST",
    "content-type": "application/grpc+proto",
    te: "trailers",
    "user-agent": userAgent,
    "grpc-accept-encoding": "identity",
    ...options.headers,
  };

  function unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: HeadersInit | undefined,
    input: MessageInitShape<I>,
    _contextValues?: ContextValues,
  ): Promise<UnaryResponse<I, O>> {
    const timeout = timeoutMs ?? options.defaultTimeoutMs;
    if (signal?.aborted) {
      return Promise.reject(ConnectError.from(signal.reason, Code.Canceled));
    }
    let body: Buffer;
    try {
      const message = isMessage(input, method.input) ? input : create(method.input, input);
      const bytes = toBinary(method.input, message);
      if (bytes.byteLength > writeMaxBytes) {
        throw new ConnectError(
          `message size ${bytes.byteLength} is larger than the limit of ${writeMaxBytes} bytes`,
          Code.ResourceExhausted,
        );
      }
      body = encodeEnvelope(bytes);
    } catch (error) {
      return Promise.reject(ConnectError.from(error, Code.Internal));
    }
    const requestHeaders: OutgoingHttpHeaders = {
      ...baseHeaders,
      ":path": `/${method.parent.typeName}/${method.name}`,
    };
    if (header !== undefined) addCallerHeaders(header, requestHeaders);
    if (timeout !== undefined && timeout > 0) {
      requestHeaders["grpc-timeout"] = `${Math.max(1, Math.ceil(timeout))}m`;
    }
    return new Promise<UnaryResponse<I, O>>((resolve, reject) => {
      const call = new UnaryCall(options.sessions, readMaxBytes, (error, head, payload, tail) => {
        if (error !== undefined) {
          reject(error);
          return;
        }
        let message: O extends DescMessage ? unknown : never;
        try {
          message = fromBinary(method.output, decodeUnaryEnvelope(payload as Buffer)) as never;
        } catch (e) {
          reject(
            new ConnectError(
              `failed to decode response: ${e instanceof Error ? e.message : String(e)}`,
              Code.Internal,
            ),
          );
          return;
        }
        resolve(new LeanUnaryResponse(method, head as IncomingHttpHeaders, tail, message) as never);
      });
      call.start(requestHeaders, body, timeout, signal);
    });
  }

  function stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodStreaming<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: HeadersInit | undefined,
    input: AsyncIterable<MessageInitShape<I>>,
    contextValues?: ContextValues,
  ): Promise<StreamResponse<I, O>> {
    if (options.streaming === undefined) {
      return Promise.reject(
        new ConnectError(
          "streaming calls are not configured on this transport",
          Code.Unimplemented,
        ),
      );
    }
    return options.streaming.stream(
      method,
      signal,
      timeoutMs ?? options.defaultTimeoutMs,
      header,
      input,
      contextValues ?? createContextValues(),
    );
  }

  return { unary, stream };
}

function addCallerHeaders(header: HeadersInit, into: OutgoingHttpHeaders): void {
  const add = (key: string, value: string) => {
    const name = key.toLowerCase();
    if (protocolHeaders.has(name) || name.charCodeAt(0) === 58) return;
    const existing = into[name];
    into[name] = existing === undefined ? value : `${String(existing)}, ${value}`;
  };
  if (header instanceof Headers) {
    header.forEach((value, key) => {
      add(key, value);
    });
  } else if (Array.isArray(header)) {
    for (const [key, value] of header) add(key as string, value as string);
  } else {
    for (const key of Object.keys(header))
      add(key, (header as Record<string, string>)[key] as string);
  }
}

type CallDone = (
  error: ConnectError | undefined,
  headers?: IncomingHttpHeaders,
  payload?: Buffer,
  trailers?: IncomingHttpHeaders,
) => void;

/** One unary exchange on an HTTP/2 stream; settles exactly once. */
class UnaryCall {
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

/**
 * Marks a failure where the request provably never reached the peer (no connection, or the
 * stream refused per RFC 9113 §8.7), so a caller may retry it elsewhere without running it twice.
 */
export class RequestNotSentError extends Error {
  override readonly name = "RequestNotSentError";
}

function notSent(message: string, cause?: Error): ConnectError {
  return new ConnectError(
    message,
    Code.Unavailable,
    undefined,
    undefined,
    new RequestNotSentError(message, cause === undefined ? undefined : { cause }),
  );
}

/** Whether a call failed before its request reached the peer (safe to retry on another one). */
export function requestNotSent(error: unknown): boolean {
  return error instanceof ConnectError && error.cause instanceof RequestNotSentError;
}

/** UnaryResponse whose Fetch headers are built only if a caller reads them. */
class LeanUnaryResponse {
  readonly stream = false;
  readonly service;
  private headerCache: Headers | undefined;
  private trailerCache: Headers | undefined;

  constructor(
    readonly method: DescMethodUnary,
    private readonly rawHeader: IncomingHttpHeaders,
    private readonly rawTrailer: IncomingHttpHeaders | undefined,
    readonly message: unknown,
  ) {
    this.service = method.parent;
  }

  get header(): Headers {
    this.headerCache ??= toFetchHeaders(this.rawHeader);
    return this.headerCache;
  }

  get trailer(): Headers {
    this.trailerCache ??=
      this.rawTrailer === undefined ? new Headers() : toFetchHeaders(this.rawTrailer);
    return this.trailerCache;
  }
}
