import {
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { create, fromBinary, isMessage, toBinary } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { parseTimeout } from "@connectrpc/connect/protocol-grpc";
import { decodeUnaryEnvelope, encodeEnvelope, joinChunks } from "./grpc-envelope.js";
import { LeanHandlerContext } from "./grpc-handler-context.js";
import { copyHeaders, statusHeaders } from "./grpc-status.js";
import { codeLabel, type RpcMetrics } from "./metrics.js";
import type { UnaryRoute } from "./service-registry.js";

export interface GrpcUnaryHandlerOptions {
  readonly routes: ReadonlyMap<string, UnaryRoute>;
  readonly interceptors: readonly Interceptor[];
  readonly metrics: RpcMetrics | undefined;
  /** Largest accepted request message, in bytes. */
  readonly readMaxBytes: number;
  /** Largest response message, in bytes. */
  readonly writeMaxBytes: number;
  /** Upper bound for a client's grpc-timeout, in ms. */
  readonly maxTimeoutMs: number;
  /** Reports a handler's non-ConnectError failure once, where it happened. */
  readonly onInternalError: (error: unknown, procedure: string) => void;
}

/** Returns whether the lean path serves this stream: unary gRPC (not gRPC-Web) in protobuf. */
export function isLeanGrpcRequest(
  headers: IncomingHttpHeaders,
  routes: ReadonlyMap<string, UnaryRoute>,
): boolean {
  const contentType = headers["content-type"];
  if (contentType !== "application/grpc" && contentType !== "application/grpc+proto") return false;
  const path = headers[":path"];
  return path !== undefined && headers[":method"] === "POST" && routes.has(path);
}

const responseHeaderBase = {
  ":status": 200,
  "content-type": "application/grpc+proto",
  "grpc-accept-encoding": "identity",
} as const;

/**
 * Serves unary gRPC directly on node:http2 core streams: one envelope in, one envelope and the
 * status trailers out. connect-node's generic streaming pipeline costs 3.5x grpc-js's CPU per call
 * (DESIGN §8); this path keeps Connect's handler API (ServiceImpl, HandlerContext, interceptors,
 * ConnectError) and does only what a unary call needs.
 */
export function createGrpcUnaryHandler(options: GrpcUnaryHandlerOptions) {
  const { routes, interceptors, metrics, readMaxBytes, writeMaxBytes, maxTimeoutMs } = options;
  // Envelope header plus the message limit.
  const maxBody = readMaxBytes + 5;

  return function handleGrpcUnary(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const started = performance.now();
    const route = routes.get(headers[":path"] as string) as UnaryRoute;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    let context: LeanHandlerContext | undefined;

    const finish = (code: Code | undefined) => {
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      metrics?.record(route.procedure, codeLabel(code), (performance.now() - started) / 1000);
    };

    const fail = (error: ConnectError) => {
      if (finished) return;
      finish(error.code);
      context?.abort(error);
      if (stream.destroyed || stream.closed) return;
      if (stream.headersSent) {
        // Only reachable if a response was started; end it with the status in trailers.
        stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      const head: OutgoingHttpHeaders = { ...responseHeaderBase, ...statusHeaders(error) };
      stream.respond(head, { endStream: true });
      // Stop a client that is still uploading (RFC 9113 §8.1: RST_STREAM NO_ERROR after a response).
      if (!stream.readableEnded) stream.close(constants.NGHTTP2_NO_ERROR);
    };

    const encoding = headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") {
      fail(new ConnectError(`unsupported grpc-encoding "${String(encoding)}"`, Code.Unimplemented));
      return;
    }

    const timeout = parseTimeout(
      (headers["grpc-timeout"] as string | undefined) ?? null,
      maxTimeoutMs,
    );
    if (timeout.error !== undefined) {
      fail(timeout.error);
      return;
    }
    const deadline = timeout.timeoutMs === undefined ? undefined : started + timeout.timeoutMs;
    if (timeout.timeoutMs !== undefined) {
      timer = setTimeout(
        () => fail(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
        timeout.timeoutMs,
      );
    }

    stream.on("close", () => {
      if (!finished) {
        finish(Code.Canceled);
        context?.abort(new ConnectError("client cancelled the call", Code.Canceled));
      }
    });
    stream.on("error", () => {
      // Stream errors (RST from the peer, session teardown) surface as "close"; nothing to add.
    });

    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      if (finished) return;
      size += chunk.byteLength;
      if (size > maxBody) {
        fail(
          new ConnectError(
            `message larger than the limit of ${readMaxBytes} bytes`,
            Code.ResourceExhausted,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    stream.on("end", () => {
      if (finished) return;
      let request: unknown;
      try {
        const payload = decodeUnaryEnvelope(joinChunks(chunks, size));
        request = fromBinary(route.method.input, payload);
      } catch (error) {
        fail(
          error instanceof ConnectError
            ? error
            : new ConnectError(`failed to decode request: ${String(error)}`, Code.InvalidArgument),
        );
        return;
      }
      context = new LeanHandlerContext(
        route.service,
        route.method,
        route.procedure,
        headers,
        deadline,
      );
      let call: unknown;
      try {
        call =
          interceptors.length === 0
            ? route.impl(request, context)
            : invokeWithInterceptors(route, interceptors, request, context);
      } catch (error) {
        // A synchronous handler may throw before returning a promise.
        call = Promise.reject(error);
      }
      Promise.resolve(call).then(
        (result) => respond(result),
        (error: unknown) => {
          // As connect-node does: a handler's own exception is Internal, its ConnectError is kept.
          if (!(error instanceof ConnectError)) options.onInternalError(error, route.procedure);
          fail(ConnectError.from(error, Code.Internal));
        },
      );
    });

    const respond = (result: unknown) => {
      if (finished) return;
      let body: Buffer;
      try {
        const message = isMessage(result, route.method.output)
          ? result
          : create(route.method.output, result as never);
        const bytes = toBinary(route.method.output, message);
        if (bytes.byteLength > writeMaxBytes) {
          fail(
            new ConnectError(
              `response larger than the limit of ${writeMaxBytes} bytes`,
              Code.ResourceExhausted,
            ),
          );
          return;
        }
        body = encodeEnvelope(bytes);
      } catch (error) {
        options.onInternalError(error, route.procedure);
        fail(new ConnectError("failed to encode response", Code.Internal));
        return;
      }
      finish(undefined);
      if (stream.destroyed || stream.closed) return;
      const ctx = context as LeanHandlerContext;
      let head: OutgoingHttpHeaders = responseHeaderBase;
      if (ctx.responseHeaders !== undefined) {
        head = { ...responseHeaderBase };
        copyHeaders(ctx.responseHeaders, head);
      }
      stream.respond(head, { waitForTrailers: true });
      stream.once("wantTrailers", () => {
        const trailers: OutgoingHttpHeaders = { "grpc-status": "0" };
        if (ctx.responseTrailers !== undefined) copyHeaders(ctx.responseTrailers, trailers);
        stream.sendTrailers(trailers);
      });
      stream.end(body);
    };
  };
}

/**
 * Runs Connect interceptors around a lean call. Only servers that configure interceptors (the
 * control plane's token check) pay for the request object this needs.
 */
async function invokeWithInterceptors(
  route: UnaryRoute,
  interceptors: readonly Interceptor[],
  request: unknown,
  context: LeanHandlerContext,
): Promise<unknown> {
  const inner = async (req: UnaryRequest): Promise<UnaryResponse> => {
    const result = await route.impl(req.message, context);
    const message = isMessage(result, route.method.output)
      ? result
      : create(route.method.output, result as never);
    return {
      stream: false,
      service: route.service,
      method: route.method,
      header: context.responseHeader,
      trailer: context.responseTrailer,
      message,
    };
  };
  const unaryRequest: UnaryRequest = {
    stream: false,
    service: route.service,
    method: route.method,
    requestMethod: "POST",
    url: route.procedure,
    signal: context.signal,
    header: context.requestHeader,
    contextValues: context.values,
    message: request as UnaryRequest["message"],
  };
  // The first interceptor is the outermost, as in Connect.
  const call = interceptors.reduceRight(
    (next, interceptor) => interceptor(next as never) as typeof next,
    inner as (req: UnaryRequest) => Promise<unknown>,
  );
  const response = await call(unaryRequest);
  return (response as UnaryResponse).message;
}
