import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError, createConnectRouter, type Interceptor } from "@connectrpc/connect";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import {
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { Logger } from "./logger.js";
import { requestCompressions } from "./request-compression.js";
import { rejectRequest } from "./request-rejection.js";
import { isValidRequestTarget } from "./request-target.js";
import { recordRoutes, type Routes, type UnaryRoute } from "./service-registry.js";

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;

export interface RpcAdapterOptions {
  readonly routes: Routes | undefined;
  readonly interceptors: readonly Interceptor[];
  readonly readMaxBytes: number;
  readonly writeMaxBytes: number;
  readonly maxTimeoutMs: number;
  /** Serves every request whose path is not an RPC (hono: /healthz, /metrics, the service's routes). */
  readonly fallback: (req: NodeRequest, res: NodeResponse) => void;
  readonly logger: Logger | undefined;
}

export interface RpcAdapter {
  /** The unary methods, for the lean gRPC path. */
  readonly unaryRoutes: ReadonlyMap<string, UnaryRoute>;
  /** Serves one request (HTTP/1.1 or the HTTP/2 compatibility API). */
  handle(req: NodeRequest, res: NodeResponse): void;
}

/**
 * connect-node's universal handlers (Connect, gRPC-Web, gRPC streaming) behind our own Node
 * adapter, in place of `connectNodeAdapter`: it checks the request target before connect-node
 * builds a URL from it (a bad `Host` threw out of the request listener and killed the process),
 * and reports failures through our logger at the right level (a client that hung up is not an
 * error) instead of `console.error`.
 */
export function createRpcAdapter(options: RpcAdapterOptions): RpcAdapter {
  const router = createConnectRouter({
    interceptors: [...options.interceptors],
    readMaxBytes: options.readMaxBytes,
    writeMaxBytes: options.writeMaxBytes,
    maxTimeoutMs: options.maxTimeoutMs,
    acceptCompression: [...requestCompressions],
  });
  const unaryRoutes = recordRoutes(router, options.routes);
  const handlers = new Map<string, UniversalHandler>();
  for (const handler of router.handlers) handlers.set(handler.requestPath, handler);
  const { logger, fallback } = options;

  const handle = (req: NodeRequest, res: NodeResponse): void => {
    const authority = "authority" in req ? req.authority : req.headers.host;
    if (!isValidRequestTarget(authority, req.url)) {
      rejectRequest(res, 400, "The request's authority or path is not valid.");
      return;
    }
    const handler = handlers.get((req.url ?? "").split("?", 1)[0] as string);
    if (handler === undefined) {
      fallback(req, res);
      return;
    }
    let universal: ReturnType<typeof universalRequestFromNodeRequest>;
    try {
      universal = universalRequestFromNodeRequest(req as never, res as never, undefined, undefined);
    } catch (error) {
      logger?.debug({ err: error }, "request rejected before the handler");
      rejectRequest(res, 400, "The request could not be read.");
      return;
    }
    handler(universal)
      .then((response) => universalResponseToNodeResponse(response, res as never))
      .catch((error: unknown) => {
        const code = ConnectError.from(error).code;
        const procedure = `${handler.service.typeName}/${handler.method.name}`;
        // A client that cancels or hangs up mid-response is expected traffic, not a failure here.
        if (code === Code.Aborted || code === Code.Canceled || res.destroyed) {
          logger?.debug({ procedure, code: Code[code] }, "client went away");
        } else {
          logger?.error({ err: error, procedure }, "rpc handler failed");
        }
        if (res.destroyed) return;
        if (res.headersSent) res.destroy();
        else rejectRequest(res, 500, "The server failed to answer.");
      });
  };
  return { unaryRoutes, handle };
}
