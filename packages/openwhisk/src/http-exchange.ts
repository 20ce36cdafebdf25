import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
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
}

export interface ExchangeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  readonly json: unknown;
  /** Set when a non-empty body failed to parse. */
  readonly jsonError: string | undefined;
}

/**
 * One JSON request/response over keep-alive sockets, bounded in time (connect, send and the whole
 * response) and in response size. Failures come out as the typed OpenWhisk errors.
 */
export class HttpExchange {
  readonly #authorization: string;
  readonly #agent: http.Agent;
  readonly #root: ApiRoot;
  readonly #maxResponseBytes: number;

  constructor(options: ExchangeOptions) {
    this.#root = options.root;
    this.#authorization = options.authorization;
    this.#maxResponseBytes = options.maxResponseBytes;
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      timeout: options.idleSocketMs,
      scheduling: "lifo" as const,
    };
    this.#agent =
      options.root.protocol === "https:"
        ? new https.Agent({ ...agentOptions, rejectUnauthorized: !options.insecure })
        : new http.Agent(agentOptions);
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
    this.#agent.destroy();
  }

  #attempt(
    request: ExchangeRequest,
    deadline: number,
    mayRetry: boolean,
  ): Promise<ExchangeResponse> {
    const { method, timeoutMs } = request;
    const url = this.displayUrl(request.path);
    const payload =
      request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), "utf8");
    const headers: OutgoingHttpHeaders = {
      accept: "application/json",
      authorization: this.#authorization,
      "user-agent": "soe-openwhisk",
    };
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = payload.length;
    }
    const { protocol, hostname, port, basePath } = this.#root;
    const send = protocol === "https:" ? https.request : http.request;

    return new Promise<ExchangeResponse>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const req = send({
        protocol,
        hostname: hostname.replace(/^\[(.*)\]$/, "$1"),
        port,
        method,
        path: basePath + request.path,
        headers,
        agent: this.#agent,
      });
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (error: Error) =>
        settle(() => {
          req.destroy();
          reject(error);
        });
      const timer = setTimeout(
        () => fail(new OpenWhiskTimeoutError(method, url, timeoutMs)),
        Math.max(0, deadline - performance.now()),
      );

      req.on("error", (error: NodeJS.ErrnoException) => {
        // A pooled socket the server closed while idle fails at once with a reset; the request
        // never reached the server, so an idempotent GET is sent again once on a fresh socket.
        // Invocations are not: running an action twice is worse than one failed call.
        const stale = req.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
        if (mayRetry && stale && !answered && method === "GET" && !settled) {
          settle(() => resolve(this.#attempt(request, deadline, false)));
          return;
        }
        fail(new OpenWhiskUnreachableError(method, url, error));
      });

      req.on("response", (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        const declared = Number(res.headers["content-length"]);
        if (declared > this.#maxResponseBytes) {
          fail(this.#tooLarge(method, url, status));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.#maxResponseBytes) fail(this.#tooLarge(method, url, status));
          else chunks.push(chunk);
        });
        res.on("end", () =>
          settle(() => resolve(parseResponse(status, res.headers, Buffer.concat(chunks)))),
        );
        res.on("error", (error) => fail(new OpenWhiskUnreachableError(method, url, error)));
        res.on("close", () => {
          if (!res.complete) {
            fail(
              new OpenWhiskUnreachableError(
                method,
                url,
                new Error("connection closed mid-response"),
              ),
            );
          }
        });
      });

      req.end(payload);
    });
  }

  #tooLarge(method: string, url: string, status: number): OpenWhiskProtocolError {
    return new OpenWhiskProtocolError(
      method,
      url,
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
