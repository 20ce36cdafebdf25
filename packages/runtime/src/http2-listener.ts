import {
  constants,
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { Socket } from "node:net";
import { livenessAction } from "./session-liveness.js";

export interface Http2ListenerOptions {
  /** A new session must open its first stream (complete a request's headers) within this. */
  readonly headersTimeoutMs: number;
  /** Time allowed to receive a whole request (its stream's body) once its headers arrived. */
  readonly requestTimeoutMs: number;
  /** A session with no stream open that starts or ends none for this long is closed gracefully. */
  readonly idleTimeoutMs: number;
  readonly onStream: (
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    rawHeaders: string[],
  ) => void;
}

const mib = 1024 * 1024;

interface SessionState {
  /** The last stream's start or end: what idleness is measured from. */
  lastStreamAt: number;
  lastHeardAt: number;
  pingSentAt: number | undefined;
  /** Streams started and not yet closed: a session with one open is never idle. */
  openStreams: number;
}

/**
 * HTTP/2 on sockets accepted elsewhere, served from core `stream` events (the lean gRPC path
 * never builds compatibility-layer objects). Node's HTTP/2 server has no headers or request
 * timeout of its own, so: a session that never completes a request's headers is closed, a
 * stream whose request body does not arrive in time is reset, and a quiet session must answer a
 * PING (`session-liveness.ts`: Node 20 keeps sessions it ended for protocol errors for ever).
 */
export class Http2Listener {
  private readonly server: Http2Server;
  private readonly states = new Map<Http2Session, SessionState>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: Http2ListenerOptions) {
    const quietMs = options.headersTimeoutMs;
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
        const state = this.states.get(stream.session as Http2Session);
        if (state !== undefined) {
          state.openStreams++;
          state.lastStreamAt = state.lastHeardAt = performance.now();
        }
        // Per stream, on the hot path: one timer for the request body and one close listener
        // for both its end and the session's activity.
        const timer = limitRequestTime(stream, options.requestTimeoutMs);
        stream.once("close", () => {
          if (timer !== undefined) clearTimeout(timer);
          if (state !== undefined) {
            state.openStreams--;
            state.lastStreamAt = state.lastHeardAt = performance.now();
          }
        });
        options.onStream(stream, headers, rawHeaders);
      },
    );
    this.server.on("session", (session: Http2Session) => {
      const started = performance.now();
      this.states.set(session, {
        lastStreamAt: started,
        lastHeardAt: started,
        pingSentAt: undefined,
        openStreams: 0,
      });
      const silent = setTimeout(() => session.destroy(), options.headersTimeoutMs);
      silent.unref();
      session.once("stream", () => clearTimeout(silent));
      session.once("close", () => {
        clearTimeout(silent);
        this.states.delete(session);
      });
      session.on("error", () => {
        // Peer resets and protocol errors close the session; nothing else to do.
      });
    });
    // Idle sessions are closed by the sweep, not by `server.setTimeout`: on Node 20 a session's
    // own timeout timer keeps it (≈2.3 KB of heap) for the whole timeout after it is destroyed,
    // so a busy port grew by every connection of the last ten minutes.
    this.sweeper = setInterval(
      () => this.sweep(quietMs, options.idleTimeoutMs),
      Math.max(25, quietMs / 2),
    );
    this.sweeper.unref();
  }

  /** The sessions open now. */
  get sessions(): IterableIterator<Http2Session> {
    return this.states.keys();
  }

  private sweep(quietMs: number, idleMs: number): void {
    const now = performance.now();
    for (const [session, state] of this.states) {
      // Only a session with no stream open is idle: Node 20 cannot PING a session it is closing
      // (the ping is cancelled), so the liveness check below destroyed one closed for idleness
      // with a stream in flight, cutting a long server stream (a utilization watch) mid-way.
      if (state.openStreams === 0 && now - state.lastStreamAt >= idleMs && !session.closed) {
        session.close();
      }
      const action = livenessAction(state, now, quietMs);
      if (action === "destroy") {
        session.destroy();
      } else if (action === "ping") {
        state.pingSentAt = now;
        let sent = false;
        try {
          sent = session.ping((error) => {
            if (error !== null) return;
            state.pingSentAt = undefined;
            state.lastHeardAt = performance.now();
          });
        } catch {
          // A session already closing cannot ping: it goes too.
        }
        if (!sent) session.destroy();
      }
    }
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

  /** Stops watching sessions' liveness (once the server is closed). */
  stop(): void {
    clearInterval(this.sweeper);
  }
}

/**
 * Resets a stream whose request has not fully arrived in time (its readable side not ended);
 * returns the timer, cleared here when the body ends and by the caller when the stream closes.
 */
function limitRequestTime(
  stream: ServerHttp2Stream,
  timeoutMs: number,
): NodeJS.Timeout | undefined {
  if (stream.readableEnded) return undefined;
  const timer = setTimeout(() => {
    if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
  }, timeoutMs);
  timer.unref();
  stream.once("end", () => clearTimeout(timer));
  return timer;
}
