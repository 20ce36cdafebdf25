import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
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
import { UnaryCall } from "./grpc-call.js";
import { decodeUnaryEnvelope, encodeEnvelope } from "./grpc-envelope.js";
import type { Http2SessionPool } from "./http2-session-pool.js";
import { LeanUnaryResponse } from "./lean-unary-response.js";

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
