import {
  constants,
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { Socket } from "node:net";

export interface Http2ListenerOptions {
  /** A new session must open its first stream (complete a request's headers) within this. */
  readonly headersTimeoutMs: number;
  /** Time allowed to receive a whole request (its stream's body) once its headers arrived. */
  readonly requestTimeoutMs: number;
  /** A session with no traffic for this long is closed gracefully. */
  readonly idleTimeoutMs: number;
  readonly onStream: (
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    rawHeaders: string[],
  ) => void;
}

const mib = 1024 * 1024;

/**
 * HTTP/2 on sockets accepted elsewhere, served from core `stream` events (the lean gRPC path
 * never builds compatibility-layer objects). Node's HTTP/2 server has no headers or request
 * timeout of its own, so: a session that never completes a request's headers is closed, and a
 * stream whose request body does not arrive in time is reset.
 */
export class Http2Listener {
  private readonly server: Http2Server;
  readonly sessions = new Set<Http2Session>();

  constructor(options: Http2ListenerOptions) {
    this.server = createServer({
      settings: { maxConcurrentStreams: 1000, initialWindowSize: mib },
      maxSessionMemory: 32,
    });
    this.server.on(
      "stream",
      (
        stream: ServerHttp2Stream,
        headers: IncomingHttpHeaders,
        _flags: number,
        rawHeaders: string[],
      ) => {
        limitRequestTime(stream, options.requestTimeoutMs);
        options.onStream(stream, headers, rawHeaders);
      },
    );
    this.server.on("session", (session: Http2Session) => {
      this.sessions.add(session);
      const silent = setTimeout(() => session.destroy(), options.headersTimeoutMs);
      silent.unref();
      session.once("stream", () => clearTimeout(silent));
      session.once("close", () => {
        clearTimeout(silent);
        this.sessions.delete(session);
      });
      session.on("error", () => {
        // Peer resets and protocol errors close the session; nothing else to do.
      });
    });
    this.server.setTimeout(options.idleTimeoutMs);
    // Close idle sessions gracefully: the default destroys them, cutting calls still running.
    this.server.on("timeout", (session: Http2Session) => session.close());
  }

  /** Serves HTTP/2 on an accepted socket (the preface is still unread, or ALPN said h2). */
  accept(socket: Socket): void {
    this.server.emit("connection", socket);
  }

  /** GOAWAY on every session: in-flight streams finish, new ones go elsewhere. */
  drain(): void {
    for (const session of this.sessions) session.close();
  }

  /** Cuts every session, whatever is in flight. */
  destroy(): void {
    for (const session of this.sessions) session.destroy();
  }
}

/** Resets a stream whose request has not fully arrived in time (its readable side not ended). */
function limitRequestTime(stream: ServerHttp2Stream, timeoutMs: number): void {
  if (stream.readableEnded) return;
  const timer = setTimeout(() => {
    if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
  }, timeoutMs);
  timer.unref();
  const done = () => clearTimeout(timer);
  stream.once("end", done);
  stream.once("close", done);
}
