import type { IncomingHttpHeaders } from "node:http";
import { type Dispatcher, Pool } from "undici";
import type { ApiRoot } from "./api-root.js";
import {
  OpenWhiskProtocolError,
  OpenWhiskTimeoutError,
  OpenWhiskUnreachableError,
} from "./errors.js";

export interface ExchangeOptions {
  readonly root: ApiRoot;
  /** The whole `Authorization` header value; kept in a private field only. */
  readonly authorization: string;
  readonly insecure: boolean;
  readonly maxSockets: number;
  readonly maxResponseBytes: number;
  /** Idle keep-alive sockets are closed after this long (or the server's `Keep-Alive` hint, if shorter). */
  readonly idleSocketMs: number;
}

export interface ExchangeRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the API root, starting with `/api/v1`, query included. */
  readonly path: string;
  readonly body?: unknown;
  readonly timeoutMs: number;
  /** Extra headers; the ones the exchange sets itself (authorization, content type) win. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ExchangeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  readonly json: unknown;
  /** Set when a non-empty body failed to parse. */
  readonly jsonError: string | undefined;
}

/** Errors of a socket the server closed under a request it had not answered. */
const STALE_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

/**
 * One JSON request/response over keep-alive sockets, bounded in time (connect, send and the whole
 * response) and in response size. Failures come out as the typed OpenWhisk errors.
 *
 * On undici's `Pool`, not `node:http`'s Agent nor `fetch`: against the openwhisk-mock
 * (bench/client-cost.ts, figures in the README) this client costs 0.77–0.92× the CPU per call of
 * the node:http one it replaced; bare `fetch` costs 3–4× bare node:http.
 */
export class HttpExchange {
  readonly #authorization: string;
  readonly #pool: Pool;
  readonly #root: ApiRoot;
  readonly #maxResponseBytes: number;

  constructor(options: ExchangeOptions) {
    this.#root = options.root;
    this.#authorization = options.authorization;
    this.#maxResponseBytes = options.maxResponseBytes;
    const { protocol, hostname, port } = options.root;
    this.#pool = new Pool(`${protocol}//${hostname}:${port}`, {
      connections: options.maxSockets,
      // The server's `Keep-Alive: timeout` hint shortens these, as it did the Agent's.
      keepAliveTimeout: options.idleSocketMs,
      keepAliveMaxTimeout: options.idleSocketMs,
      // Our own deadline covers the whole exchange; undici's per-phase ones would cut it short.
      headersTimeout: 0,
      bodyTimeout: 0,
      // No connect timeout of undici's (10 s by default) either: a stalled connect ends at our
      // deadline as an OpenWhiskTimeoutError, as it did on node:http.
      connect: { rejectUnauthorized: !options.insecure, timeout: 0 },
    });
  }

  /** URL shown in errors and logs: root plus path, never credentials. */
  displayUrl(path: string): string {
    const query = path.indexOf("?");
    return this.#root.display + (query < 0 ? path : path.slice(0, query));
  }

  send(request: ExchangeRequest): Promise<ExchangeResponse> {
    return this.#attempt(request, performance.now() + request.timeoutMs, true);
  }

  /** Closes idle sockets now and the others when their exchange ends. */
  close(): void {
    this.#pool.close().catch(() => {
      // Already closed or destroyed: nothing is left open.
    });
  }

  #attempt(
    request: ExchangeRequest,
    deadline: number,
    mayRetry: boolean,
  ): Promise<ExchangeResponse> {
    const { method, timeoutMs } = request;
    const headers: Record<string, string> = {
      ...request.headers,
      accept: "application/json",
      authorization: this.#authorization,
      "user-agent": "soe-openwhisk",
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers["content-type"] = "application/json";
    }
    const maxBytes = this.#maxResponseBytes;

    // undici's dispatch with a handler of our own, not `pool.request`: no AbortSignal, no body
    // stream, no async iteration per call (with them, the client cost more than node:http's).
    return new Promise<ExchangeResponse>((resolve, reject) => {
      let settled = false;
      let controller: Dispatcher.DispatchController | undefined;
      let status = 0;
      let responseHeaders: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (error: Error) =>
        settle(() => {
          if (controller !== undefined && !controller.aborted) controller.abort(error);
          reject(error);
        });
      const timer = setTimeout(
        () => fail(new OpenWhiskTimeoutError(method, this.displayUrl(request.path), timeoutMs)),
        Math.max(0, deadline - performance.now()),
      );

      this.#pool.dispatch(
        { method, path: this.#root.basePath + request.path, headers, body },
        {
          onRequestStart: (started) => {
            controller = started;
            // Timed out while queued or connecting: never send it.
            if (settled) started.abort(new Error("request abandoned"));
          },
          onResponseStart: (_, statusCode, received) => {
            if (statusCode < 200) return;
            status = statusCode;
            responseHeaders = received;
            if (Number(received["content-length"]) > maxBytes) {
              fail(this.#tooLarge(method, request.path, status));
            }
          },
          onResponseData: (_, chunk) => {
            size += chunk.length;
            if (size > maxBytes) fail(this.#tooLarge(method, request.path, status));
            else chunks.push(chunk);
          },
          onResponseEnd: () =>
            settle(() => resolve(parseResponse(status, responseHeaders, Buffer.concat(chunks)))),
          onResponseError: (_, error) => {
            if (settled) return;
            // A pooled socket the server closed while idle fails at once; the request never
            // reached the server, so an idempotent GET is sent again once on a fresh socket.
            // Invocations are not: running an action twice is worse than one failed call.
            const code = (error as NodeJS.ErrnoException).code ?? "";
            if (mayRetry && status === 0 && method === "GET" && STALE_SOCKET_CODES.has(code)) {
              settle(() => resolve(this.#attempt(request, deadline, false)));
              return;
            }
            fail(new OpenWhiskUnreachableError(method, this.displayUrl(request.path), error));
          },
        },
      );
    });
  }

  #tooLarge(method: string, path: string, status: number): OpenWhiskProtocolError {
    return new OpenWhiskProtocolError(
      method,
      this.displayUrl(path),
      `response body larger than ${this.#maxResponseBytes} bytes`,
      status,
    );
  }
}

function parseResponse(
  status: number,
  headers: IncomingHttpHeaders,
  raw: Buffer,
): ExchangeResponse {
  const text = raw.toString("utf8");
  if (text.trim().length === 0) return { status, headers, json: undefined, jsonError: undefined };
  try {
    return { status, headers, json: JSON.parse(text), jsonError: undefined };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { status, headers, json: undefined, jsonError: reason };
  }
}
