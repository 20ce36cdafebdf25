import type { IncomingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { Interceptor } from "@connectrpc/connect";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import { sortCleartext } from "./connection-sorter.js";
import { formatEndpoint, parseEndpoint } from "./endpoint.js";
import { createGrpcUnaryHandler, isLeanGrpcRequest } from "./grpc-server.js";
import { Http1Listener } from "./http1-listener.js";
import { Http2Listener } from "./http2-listener.js";
import { createHttpApp, type HealthState } from "./http-routes.js";
import type { Logger } from "./logger.js";
import {
  createRpcMetrics,
  MetricsRegistry,
  metricsInterceptor,
  openConnectionsGauge,
  registerProcessMetrics,
} from "./metrics.js";
import { OpenConnections } from "./open-connections.js";
import { rejectionResponse } from "./request-rejection.js";
import { createRpcAdapter, type NodeRequest, type NodeResponse } from "./rpc-adapter.js";
import type { Routes } from "./service-registry.js";
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
  /** Time allowed to receive a whole request, headers and body, HTTP/1.1 or HTTP/2 (default 60 s). */
  readonly requestTimeoutMs?: number;
  /**
   * Time allowed to receive a request's headers, and for a new connection to say anything or
   * finish its TLS handshake (default 30 s, at most requestTimeoutMs).
   */
  readonly headersTimeoutMs?: number;
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

/**
 * One port for everything a process serves: unary gRPC on the lean path, Connect (HTTP/1.1 and
 * HTTP/2), gRPC-Web and streaming through connect-node's handlers, and plain HTTP routes through
 * hono. Cleartext connections are sorted by their first bytes (HTTP/2 preface or not); TLS ones
 * by ALPN. Every connection has a headers and a request timeout, whatever its protocol.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const logger = options.logger;
  const metrics = options.metrics ?? new MetricsRegistry();
  if (options.metrics === undefined) registerProcessMetrics(metrics);
  const rpcMetrics = createRpcMetrics(metrics);
  const readMaxBytes = options.readMaxBytes ?? 4 * mib;
  const writeMaxBytes = options.writeMaxBytes ?? 4 * mib;
  const maxTimeoutMs = options.maxTimeoutMs ?? 5 * 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const headersTimeoutMs = Math.min(options.headersTimeoutMs ?? 30_000, requestTimeoutMs);
  const interceptors = options.interceptors ?? [];
  const health: HealthState = { ready: true };

  const httpListener = getRequestListener(
    createHttpApp(options.name, metrics, health, options.http).fetch,
    // A request hono cannot even build (a backslash in the path, `*`) still gets our JSON error.
    { errorHandler: () => rejectionResponse(400, "The request's URL is not valid.") },
  );
  const rpc = createRpcAdapter({
    routes: options.routes,
    interceptors: [metricsInterceptor(rpcMetrics), ...interceptors],
    readMaxBytes,
    writeMaxBytes,
    maxTimeoutMs,
    fallback: httpListener as (req: NodeRequest, res: NodeResponse) => void,
    logger,
  });
  const leanHandler = createGrpcUnaryHandler({
    routes: rpc.unaryRoutes,
    interceptors,
    metrics: rpcMetrics,
    readMaxBytes,
    writeMaxBytes,
    maxTimeoutMs,
    onInternalError: (err, procedure) => logger?.error({ err, procedure }, "handler failed"),
  });

  const h2 = new Http2Listener({
    headersTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
    onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]) => {
      if (isLeanGrpcRequest(headers, rpc.unaryRoutes)) {
        leanHandler(stream, headers);
        return;
      }
      rpc.handle(
        new Http2ServerRequest(stream, headers, {}, rawHeaders),
        new Http2ServerResponse(stream),
      );
    },
  });
  const h1 = new Http1Listener({
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: 5_000,
    onRequest: (req, res) => rpc.handle(req, res),
  });

  const connections = new OpenConnections();
  const h2Sockets = new WeakSet<Socket>();
  const dispatch = (socket: Socket, http2: boolean) => {
    if (http2) {
      h2Sockets.add(socket);
      h2.accept(socket);
    } else {
      h1.accept(socket);
    }
  };

  let server: NetServer;
  if (options.tls === undefined) {
    server = createNetServer((socket) => {
      connections.add(socket);
      sortCleartext(socket, headersTimeoutMs, dispatch);
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
        handshakeTimeout: headersTimeoutMs,
      },
      (socket: TLSSocket) => {
        connections.add(socket);
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
  const openGauge = openConnectionsGauge(metrics);
  metrics.collect(() => openGauge.set({ port: String(boundPort) }, connections.size));
  logger?.info({ endpoint, tls: options.tls !== undefined }, "listening");

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      health.ready = false;
      server.close();
      // HTTP/2: GOAWAY lets in-flight streams finish. HTTP/1.1: idle sockets go now, busy ones
      // when their response is done. Sockets that never spoke are simply closed.
      h1.drain();
      h2.drain();
      for (const socket of connections) {
        if (!h2Sockets.has(socket) && !h1.isBusy(socket)) socket.destroy();
      }
      const cut = setTimeout(() => {
        h2.destroy();
        connections.destroyAll();
      }, options.drainTimeoutMs ?? 5_000);
      cut.unref();
      await connections.whenEmpty();
      clearTimeout(cut);
      h2.stop();
      logger?.info({ endpoint }, "closed");
    })();
    return closing;
  };

  return { host, port: boundPort, endpoint, url, metrics, close };
}
