import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
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

/** Serves the mock with @hono/node-server on an HTTP/1.1 port. */
export async function startOpenWhiskMock(
  options: StartOpenWhiskMockOptions = {},
): Promise<RunningOpenWhiskMock> {
  const host = options.host ?? "127.0.0.1";
  const mock = createOpenWhiskMock(options);
  const server = createAdaptorServer({ fetch: mock.app.fetch, hostname: host }) as Server;
  // Bounded waits for slow or silent clients; responses may still take the blocking wait.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;

  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive and in-flight connections would hold close() open: end them now.
      for (const socket of sockets) socket.destroy();
      mock.close();
    });
    return closing;
  };
  return { url: `http://${shownHost}:${port}`, port, mock, close };
}
