import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  EdgeController,
  EdgeRouter,
  type EdgeRouterConf,
  EdgeRouterConf_Action,
  soev1,
} from "@soe/proto";
import { controlAuthInterceptor, createLogger, createTransport, serve } from "@soe/runtime";
import { type ControllerServerOptions, createControllerServer } from "../src/controller-server.js";

export const quietLogger = createLogger({ name: "test", level: "silent" });

/** Retries `assertion` until it passes or `timeoutMs` runs out, then throws its last error. */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > end) throw error;
      await sleep(20);
    }
  }
}

/** Things to close after each test, last first. */
export function cleanupList() {
  const cleanups: Array<() => unknown> = [];
  return {
    add<T>(value: T, cleanup: (value: T) => unknown): T {
      cleanups.push(() => cleanup(value));
      return value;
    },
    async run() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}

/** How a test router answers Configure. */
export type RouterMode = "ok" | "hang" | "error-text";

export interface TestRouter {
  readonly tableEndpoint: string;
  /** Every Configure received, in order: `flush`, `change L D W F|-`, `remove L D`. */
  readonly log: string[];
  /** The table as `lambda destination weight F|-`, sorted. */
  routes(): string[];
  mode: RouterMode;
  close(): Promise<void>;
}

function format(conf: EdgeRouterConf): string {
  switch (conf.action) {
    case EdgeRouterConf_Action.FLUSH:
      return "flush";
    case EdgeRouterConf_Action.CHANGE:
      return `change ${conf.lambda} ${conf.destination} ${conf.weight} ${conf.final ? "F" : "-"}`;
    default:
      return `remove ${conf.lambda} ${conf.destination}`;
  }
}

/**
 * A forwarding-table server that records Configure calls and applies them to one table; it can
 * be told to never answer (`hang`, until the caller gives up) or to answer with an error text.
 */
export async function startTestRouter(
  options: { endpoint?: string; token?: string; mode?: RouterMode } = {},
): Promise<TestRouter> {
  const table = new Map<string, string>();
  const router = {
    log: [] as string[],
    mode: options.mode ?? ("ok" as RouterMode),
    routes: () => [...table.values()].sort(),
  };
  const server = await serve({
    name: "test-router",
    drainTimeoutMs: 200,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    interceptors: [controlAuthInterceptor({ token: options.token })],
    routes: (r) =>
      r.service(EdgeRouter, {
        async configure(conf, ctx) {
          if (router.mode === "hang") {
            await new Promise((_, reject) =>
              ctx.signal.addEventListener("abort", () =>
                reject(new ConnectError("gave up", Code.Canceled)),
              ),
            );
          }
          if (router.mode === "error-text") return { msg: "Error: refused by test" };
          router.log.push(format(conf));
          const key = `${conf.lambda} ${conf.destination}`;
          if (conf.action === EdgeRouterConf_Action.FLUSH) table.clear();
          else if (conf.action === EdgeRouterConf_Action.REMOVE) table.delete(key);
          else table.set(key, `${key} ${conf.weight} ${conf.final ? "F" : "-"}`);
          return { msg: "OK" };
        },
        getTable: () => ({ entries: [] }),
        getNumTables: () => ({ value: 1 }),
      }),
  });
  return Object.assign(router, { tableEndpoint: server.endpoint, close: () => server.close() });
}

/** A port nobody listens on right now (for a router that comes up later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Short deadlines and back-off, so failures and retries happen within a test. */
export const fastInstall: ControllerServerOptions = {
  installTimeoutMs: 500,
  installBackoff: { initialMs: 30, maxMs: 200 },
};

export async function startController(options: ControllerServerOptions = {}) {
  return createControllerServer({ logger: quietLogger, ...fastInstall, ...options });
}

/** Clients of a controller: announcements (with the token if given) and the read API. */
export function controllerClients(endpoint: string, token?: string) {
  const transport = createTransport(endpoint, token === undefined ? {} : { token });
  const control = createClient(EdgeController, transport);
  const query = createClient(soev1.ControllerQueryService, transport);
  return { control, query, close: () => transport.close() };
}

export type ControllerClients = ReturnType<typeof controllerClients>;

export const containers = (...lambdas: string[]) =>
  lambdas.map((lambda) => ({ name: `${lambda}-c`, processor: "cpu", lambda, numWorkers: 1 }));
