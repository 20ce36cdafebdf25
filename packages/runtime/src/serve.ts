import { randomBytes } from "node:crypto";
import {
  STATUS_CODES,
  createServer as createHttp1Server,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import {
  createServer as createHttp2Server,
  Http2ServerRequest,
  Http2ServerResponse,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import { formatEndpoint, parseEndpoint } from "./endpoint.js";
import { createGrpcUnaryHandler, isLeanGrpcRequest } from "./grpc-server.js";
import { createHttpApp, type HealthState } from "./http-routes.js";
import type { Logger } from "./logger.js";
import {
  createRpcMetrics,
  MetricsRegistry,
  metricsInterceptor,
  registerProcessMetrics,
} from "./metrics.js";
import { recordRoutes, type Routes, type UnaryRoute } from "./service-registry.js";
import type { ServerTlsOptions } from "./tls.js";

export interface ServeOptions {
  /** Service name, for logs and /healthz. */
  readonly name: string;
  /** `host:port` to bind; port 0 picks a free port. Default `127.0.0.1:0`. */
  readonly endpoint?: string;
  /** Connect-style service registration (`router.service(EdgeServer, impl)`). */
  readonly routes?: Routes;
  /** Plain HTTP routes served beside `/healthz` and `/metrics`. */
  readonly http?: Hono;
  /** Server interceptors for every RPC (e.g. the control-plane token check). */
  readonly interceptors?: Interceptor[];
  readonly tls?: ServerTlsOptions;
  readonly logger?: Logger;
  readonly metrics?: MetricsRegistry;
  /** Largest request message accepted, bytes (default 4 MiB). */
  readonly readMaxBytes?: number;
  /** Largest response message sent, bytes (default 4 MiB). */
  readonly writeMaxBytes?: number;
  /** Upper bound accepted for a client's deadline (default 5 min). */
  readonly maxTimeoutMs?: number;
  /** Time allowed to receive a whole HTTP/1.1 request (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** A connection with no traffic for this long is closed gracefully (default 10 min). */
  readonly idleTimeoutMs?: number;
  /** How long close() lets in-flight calls finish before cutting connections (default 5 s). */
  readonly drainTimeoutMs?: number;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** `host:port` actually bound. */
  readonly endpoint: string;
  /** Base URL for clients (`http://` or `https://`). */
  readonly url: string;
  readonly metrics: MetricsRegistry;
  /** Drains in-flight calls, then closes every connection; never waits past drainTimeoutMs. */
  close(): Promise<void>;
}

const mib = 1024 * 1024;
const http2Preface = Buffer.from("PRI * HTTP/2.0");

/**
 * One port for everything a process serves: unary gRPC on the lean path, Connect (HTTP/1.1 and
 * HTTP/2), gRPC-Web and streaming through connect-node, and plain HTTP routes through hono.
 * Cleartext connections are sorted by their first bytes (HTTP/2 preface or not); TLS ones by ALPN.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const logger = options.logger;
  const metrics = options.metrics ?? new MetricsRegistry();
  if (options.metrics === undefined) registerProcessMetrics(metrics);
  const rpcMetrics = createRpcMetrics(metrics);
  const readMaxBytes = options.readMaxBytes ?? 4 * mib;
  const writeMaxBytes = options.writeMaxBytes ?? 4 * mib;
  const maxTimeoutMs = options.maxTimeoutMs ?? 5 * 60_000;
  const interceptors = options.interceptors ?? [];
  const health: HealthState = { ready: true };

  const httpListener = getRequestListener(
    createHttpApp(options.name, metrics, health, options.http).fetch,
  );
  let unaryRoutes = new Map<string, UnaryRoute>();
  const connectHandler = connectNodeAdapter({
    routes: (router) => {
      unaryRoutes = recordRoutes(router, options.routes);
    },
    interceptors: [metricsInterceptor(rpcMetrics), ...interceptors],
    readMaxBytes,
    writeMaxBytes,
    maxTimeoutMs,
    fallback: httpListener as never,
  });
  const leanHandler = createGrpcUnaryHandler({
    routes: unaryRoutes,
    interceptors,
    metrics: rpcMetrics,
    readMaxBytes,
    writeMaxBytes,
    maxTimeoutMs,
    onInternalError: (err, procedure) => logger?.error({ err, procedure }, "handler failed"),
  });

  // HTTP/2: core `stream` events, so the lean path never builds compatibility-layer objects.
  const h2 = createHttp2Server({
    settings: { maxConcurrentStreams: 1000, initialWindowSize: mib },
    maxSessionMemory: 32,
  });
  h2.on(
    "stream",
    (
      stream: ServerHttp2Stream,
      headers: IncomingHttpHeaders,
      _flags: number,
      rawHeaders: string[],
    ) => {
      if (isLeanGrpcRequest(headers, unaryRoutes)) {
        leanHandler(stream, headers);
        return;
      }
      const req = new Http2ServerRequest(stream, headers, {}, rawHeaders);
      const res = new Http2ServerResponse(stream);
      connectHandler(req as never, res as never);
    },
  );
  const sessions = new Set<Http2Session>();
  h2.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    session.on("error", () => {
      // Peer resets and protocol errors close the session; nothing else to do.
    });
  });
  h2.setTimeout(options.idleTimeoutMs ?? 10 * 60_000);
  // Close idle sessions gracefully: the default destroys them, cutting calls still running.
  h2.on("timeout", (session: Http2Session) => session.close());

  const h1 = createHttp1Server({
    requestTimeout: options.requestTimeoutMs ?? 60_000,
    headersTimeout: Math.min(options.requestTimeoutMs ?? 60_000, 30_000),
    keepAliveTimeout: 5_000,
  });
  h1.on("clientError", answerMalformedRequest);
  const busy = new Map<Socket, number>();
  h1.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once("close", () => {
      const n = (busy.get(socket) ?? 1) - 1;
      busy.set(socket, n);
      if (n === 0 && draining) socket.destroy();
    });
    if (draining) res.shouldKeepAlive = false;
    connectHandler(req, res);
  });

  // Every open socket, and which server it was handed to.
  const sockets = new Set<Socket>();
  const h1Sockets = new Set<Socket>();
  const h2Sockets = new Set<Socket>();
  let draining = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      h1Sockets.delete(socket);
      h2Sockets.delete(socket);
      busy.delete(socket);
    });
  };
  const dispatch = (socket: Socket, http2: boolean) => {
    if (http2) {
      h2Sockets.add(socket);
      h2.emit("connection", socket);
    } else {
      h1Sockets.add(socket);
      h1.emit("connection", socket);
    }
  };

  const firstBytesTimeoutMs = Math.min(options.requestTimeoutMs ?? 60_000, 30_000);
  let server: NetServer;
  if (options.tls === undefined) {
    server = createNetServer((socket) => {
      track(socket);
      // A connection that never says anything would otherwise hold a socket forever.
      const silent = () => socket.destroy();
      socket.setTimeout(firstBytesTimeoutMs, silent);
      socket.once("data", (first: Buffer) => {
        socket.setTimeout(0);
        socket.off("timeout", silent);
        socket.pause();
        socket.unshift(first);
        const n = Math.min(first.byteLength, http2Preface.byteLength);
        const isHttp2 = first.subarray(0, n).equals(http2Preface.subarray(0, n));
        dispatch(socket, isHttp2);
        // HTTP/1.1 reads the put-back bytes from the stream, so it must flow again; HTTP/2 reads
        // them itself and then the socket's handle directly (resuming would lose them).
        if (!isHttp2) socket.resume();
      });
    });
  } else {
    const tls = options.tls;
    server = createTlsServer(
      {
        cert: tls.cert,
        key: tls.key,
        ...(tls.ca === undefined
          ? {}
          : { ca: tls.ca, requestCert: true, rejectUnauthorized: true }),
        ALPNProtocols: ["h2", "http/1.1"],
        handshakeTimeout: Math.min(options.requestTimeoutMs ?? 60_000, 30_000),
      },
      (socket: TLSSocket) => {
        track(socket);
        dispatch(socket, socket.alpnProtocol === "h2");
      },
    );
    server.on("tlsClientError", (err) => logger?.debug({ err }, "TLS handshake failed"));
  }

  const { host, port } = parseEndpoint(options.endpoint ?? "127.0.0.1:0");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => logger?.error({ err }, "server error"));
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  const endpoint = formatEndpoint({ host, port: boundPort });
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const url = `${options.tls === undefined ? "http" : "https"}://${formatEndpoint({ host: reachable, port: boundPort })}`;
  logger?.info({ endpoint, tls: options.tls !== undefined }, "listening");

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      draining = true;
      health.ready = false;
      server.close();
      // HTTP/2: GOAWAY lets in-flight streams finish. HTTP/1.1: idle sockets go now, busy ones
      // when their response is done. Sockets that never spoke are simply closed.
      for (const session of sessions) session.close();
      for (const socket of sockets) {
        const h1Busy = h1Sockets.has(socket) && (busy.get(socket) ?? 0) > 0;
        if (!h1Busy && !h2Sockets.has(socket)) socket.destroy();
      }
      const cut = setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, options.drainTimeoutMs ?? 5_000);
      cut.unref();
      const check = () => {
        if (sockets.size === 0 && sessions.size === 0) {
          clearTimeout(cut);
          logger?.info({ endpoint }, "closed");
          resolve();
        } else {
          setTimeout(check, 10);
        }
      };
      check();
    });
    return closing;
  };

  return { host, port: boundPort, endpoint, url, metrics, close };
}

/**
 * Requests Node's HTTP parser rejects (broken framing, oversized headers, a request too slow to
 * arrive) never reach the routes; they still get a JSON error, shaped as everywhere else
 * (`{error, code}` with a request id), instead of Node's bare status line.
 */
function answerMalformedRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === "HPE_HEADER_OVERFLOW"
      ? 431
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? 408
        : 400;
  const requestId = randomBytes(16).toString("hex");
  const body = JSON.stringify({
    error:
      status === 431
        ? "Request headers are too large."
        : status === 408
          ? "Request timed out."
          : "Malformed HTTP request.",
    code: requestId,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
