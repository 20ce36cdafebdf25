import { type ClientHttp2Session, connect, type SecureClientSessionOptions } from "node:http2";

export interface Http2SessionPoolOptions {
  /** Options for node:http2 connect (TLS material, settings). */
  readonly connectOptions?: SecureClientSessionOptions;
  /** A session that has not connected by then is torn down, failing its queued calls. */
  readonly connectTimeoutMs?: number;
  /** How long to wait for a PING acknowledgement when a call timed out. */
  readonly pingTimeoutMs?: number;
}

/**
 * One long-lived HTTP/2 session to one destination. A session that closes, fails or receives
 * GOAWAY is dropped and the next call opens a new one, so a restarted peer is reached again
 * without anyone noticing. Idle sessions are never pinged: grpc-js servers answer idle pings with
 * GOAWAY ENHANCE_YOUR_CALM. Instead a call that times out triggers one PING, and a peer that does
 * not answer it loses its session (a vanished host otherwise keeps a dead socket open for minutes).
 */
export class Http2SessionPool {
  private current: ClientHttp2Session | undefined;
  private readonly calls = new WeakMap<ClientHttp2Session, number>();
  private readonly connected = new WeakSet<ClientHttp2Session>();
  private probing = false;
  private closed = false;

  constructor(
    readonly authority: string,
    private readonly options: Http2SessionPoolOptions = {},
  ) {}

  session(): ClientHttp2Session {
    if (this.closed) throw new Error("session pool is closed");
    const existing = this.current;
    if (existing !== undefined && !existing.closed && !existing.destroyed) return existing;
    return this.open();
  }

  /**
   * Sessions are unref'd while idle so they never keep a process alive on their own, and ref'd
   * while a call is in flight so a process waiting for an answer is not ended under it.
   */
  callStarted(session: ClientHttp2Session): void {
    const n = this.calls.get(session) ?? 0;
    if (n === 0) session.ref();
    this.calls.set(session, n + 1);
  }

  callEnded(session: ClientHttp2Session): void {
    const n = (this.calls.get(session) ?? 1) - 1;
    this.calls.set(session, n);
    if (n === 0 && !session.destroyed) session.unref();
  }

  /** Whether the session ever reached its peer: calls on one that never did were never sent. */
  wasConnected(session: ClientHttp2Session): boolean {
    return this.connected.has(session);
  }

  /** Called by a transport when a call's deadline expired: checks that the peer is still alive. */
  probe(session: ClientHttp2Session): void {
    if (this.probing || session !== this.current || session.destroyed) return;
    this.probing = true;
    const timer = setTimeout(() => session.destroy(), this.options.pingTimeoutMs ?? 5_000);
    timer.unref();
    const sent = session.ping((error) => {
      clearTimeout(timer);
      this.probing = false;
      if (error !== null) session.destroy();
    });
    if (!sent) {
      clearTimeout(timer);
      this.probing = false;
    }
  }

  /** Drops the current session: in-flight calls finish, new calls open a new session. */
  reset(): void {
    const session = this.current;
    this.current = undefined;
    session?.close();
  }

  close(): void {
    this.closed = true;
    const session = this.current;
    this.current = undefined;
    if (session === undefined) return;
    // Let in-flight calls end, then make sure the socket goes away.
    session.close();
    setTimeout(() => session.destroy(), 1_000).unref();
  }

  private open(): ClientHttp2Session {
    const session = connect(this.authority, {
      ...this.options.connectOptions,
      // The defaults (64 KiB windows) throttle large messages on fast links.
      settings: { initialWindowSize: 1 << 20, ...this.options.connectOptions?.settings },
    });
    this.current = session;
    const drop = () => {
      if (this.current === session) this.current = undefined;
    };
    session.on("close", drop);
    session.on("goaway", drop);
    session.on("error", drop);
    session.on("frameError", drop);
    session.once("connect", () => {
      clearTimeout(connectTimer);
      this.connected.add(session);
    });
    session.unref();
    const connectTimer = setTimeout(() => {
      if (!session.connecting) return;
      session.destroy(new Error(`connect to ${this.authority} timed out`));
    }, this.options.connectTimeoutMs ?? 10_000);
    connectTimer.unref();
    return session;
  }
}
