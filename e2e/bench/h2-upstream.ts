import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from "node:http2";

/**
 * One HTTP/2 session to the next hop, opened on first use and again after it closed: what a
 * plain forwarder keeps per destination (DESIGN §8's floor), with nothing else on the way.
 */
export class Http2Upstream {
  #session: ClientHttp2Session | undefined;

  constructor(private readonly authority: string) {}

  session(): ClientHttp2Session {
    const current = this.#session;
    if (current !== undefined && !current.closed && !current.destroyed) return current;
    const session = connect(`http://${this.authority}`);
    session.on("error", () => {
      // Its streams fail one by one and answer 502; the next call opens a new session.
    });
    session.on("close", () => {
      if (this.#session === session) this.#session = undefined;
    });
    this.#session = session;
    return session;
  }
}

/**
 * Headers that describe one connection (RFC 9113 §8.2.2 forbids them in HTTP/2) and the
 * pseudo-headers, which each side of a forwarder writes for itself.
 */
const connectionHeaders = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "host",
  "http2-settings",
]);

/** The end-to-end headers of a request or response, to pass on unchanged. */
export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const passed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(":") || connectionHeaders.has(name)) continue;
    passed[name] = value;
  }
  return passed;
}
