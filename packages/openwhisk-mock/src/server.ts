import type { Hono } from "hono";
import { formatEndpoint, serve } from "@soe/runtime";
import { createOpenWhiskMock, type OpenWhiskMock } from "./app.js";
import type { OpenWhiskMockOptions } from "./mock-options.js";

export interface StartOpenWhiskMockOptions extends OpenWhiskMockOptions {
  /** Default 127.0.0.1: the mock is for loopback. */
  readonly host?: string;
  /** Default 0 (any free port); the binary defaults to 3233 like OpenWhisk standalone. */
  readonly port?: number;
}

export interface RunningOpenWhiskMock {
  /** `http://host:port`, ready to be an `apihost`. */
  readonly url: string;
  readonly port: number;
  readonly mock: OpenWhiskMock;
  /** Stops listening, drops open connections, ends running activations; never hangs. */
  close(): Promise<void>;
}

/**
 * Serves the mock through `@soe/runtime`'s serve(), as every service is served: HTTP/1.1 and
 * HTTP/2, /healthz and /metrics, header and request timeouts, and the same answers to requests
 * that cannot be served at all.
 */
export async function startOpenWhiskMock(
  options: StartOpenWhiskMockOptions = {},
): Promise<RunningOpenWhiskMock> {
  const host = options.host ?? "127.0.0.1";
  const mock = createOpenWhiskMock(options);
  const server = await serve({
    name: "openwhisk-mock",
    endpoint: formatEndpoint({ host, port: options.port ?? 0 }),
    // serve() takes apps of hono's blank Env; the mock's only adds context variables of its own.
    http: mock.app as unknown as Hono,
    // Bounded waits for slow or silent clients; responses may still take the blocking wait.
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 20_000,
    // Keep-alive and in-flight connections would hold close() open: end them soon.
    drainTimeoutMs: 500,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      mock.close();
      await server.close();
    })();
    return closing;
  };
  return { url: server.url, port: server.port, mock, close };
}
