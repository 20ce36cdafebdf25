import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { answerConnectMethod, answerMalformedRequest } from "./request-rejection.js";

export interface Http1ListenerOptions {
  /** Time allowed to receive a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** Time allowed to receive a request's headers, from its first byte or the connection's start. */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * HTTP/1.1 on sockets accepted elsewhere (the cleartext sorter or the TLS server): the server
 * itself never listens. Node enforces `headersTimeout` and `requestTimeout` from a timer it
 * starts only on the server's `listening` event, so that event is raised here: without it a
 * client sending its headers a byte a second held its connection for ever.
 */
export class Http1Listener {
  private readonly server: Server;
  /** Requests in progress per socket, so draining closes idle sockets now and busy ones later. */
  private readonly busy = new Map<Socket, number>();
  private draining = false;

  constructor(options: Http1ListenerOptions) {
    this.server = createServer({
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: Math.min(options.headersTimeoutMs, options.requestTimeoutMs),
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // How often Node looks for expired requests: the timeouts are enforced to within this.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1_000, Math.floor(options.headersTimeoutMs / 4)),
      ),
    });
    this.server.on("clientError", answerMalformedRequest);
    this.server.on("connect", (_req: IncomingMessage, socket: Duplex) =>
      answerConnectMethod(socket),
    );
    this.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
      res.once("close", () => {
        const n = (this.busy.get(socket) ?? 1) - 1;
        if (n === 0) this.busy.delete(socket);
        else this.busy.set(socket, n);
        if (n === 0 && this.draining) socket.destroy();
      });
      if (this.draining) res.shouldKeepAlive = false;
      options.onRequest(req, res);
    });
    this.server.emit("listening");
  }

  /** Serves HTTP/1.1 on an accepted socket. */
  accept(socket: Socket): void {
    socket.once("close", () => this.busy.delete(socket));
    this.server.emit("connection", socket);
  }

  /** Whether a request is in progress on this socket. */
  isBusy(socket: Socket): boolean {
    return (this.busy.get(socket) ?? 0) > 0;
  }

  /** From now on every response closes its connection; the timeout checks stop. */
  drain(): void {
    this.draining = true;
    // Stops Node's connection-checking timer; the server never listened, so nothing else closes.
    this.server.close();
  }
}
