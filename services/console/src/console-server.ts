import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import {
  backgroundScheduler,
  createLogger,
  type Logger,
  type RunningServer,
  type Scheduler,
  type ServerTlsOptions,
  serve,
} from "@soe/runtime";
import { Hono } from "hono";
import { DomainReader } from "./domain-reader.js";
import type { DomainReadings } from "./domain-snapshot.js";
import { DomainWatch } from "./domain-watch.js";
import { CONSOLE_PAGE } from "./page-html.js";

export interface ConsoleServerOptions {
  /** `host:port` to bind; port 0 picks one. Default `127.0.0.1:0`. */
  readonly serverEndpoint?: string;
  /** The controller of the domain to show. */
  readonly controllerEndpoint: string;
  /** Control-plane token: read-only use (installations and drift); never sent to the browser. */
  readonly token?: string;
  /** Between two snapshots, ms (default 1000). */
  readonly refreshIntervalMs?: number;
  /** Live feeds served at once (default 16); more get 503. */
  readonly maxClients?: number;
  /** Deadline of each read from the domain, ms (default 2000). */
  readonly readTimeoutMs?: number;
  readonly tls?: ServerTlsOptions;
  readonly logger?: Logger;
  /** ms, monotonic (default performance.now). */
  readonly clock?: () => number;
  /** Unix ms (default Date.now). */
  readonly unixClock?: () => number;
  readonly schedule?: Scheduler;
  /** Replaces the reader of the domain (tests of the feed alone). */
  readonly read?: () => Promise<DomainReadings>;
}

export interface ConsoleServer {
  /** `host:port` as bound. */
  readonly endpoint: string;
  /** The page's URL. */
  readonly url: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * The page's module, built by `tsc -p tsconfig.web.json` into dist/web: beside this file when it
 * runs from dist, one level up when it runs from src (tests, `SOE_E2E_FROM=source`).
 */
const APP_CANDIDATES = [
  new URL("./web/app.js", import.meta.url),
  new URL("../dist/web/app.js", import.meta.url),
];

/** The static files of the page: name → where it is and its content type. */
function assets(): Map<string, { readonly paths: readonly string[]; readonly type: string }> {
  const uplot = require.resolve("uplot/dist/uPlot.esm.js");
  return new Map([
    ["/app.js", { paths: APP_CANDIDATES.map((u) => fileURLToPath(u)), type: JS }],
    ["/vendor/uplot.esm.js", { paths: [uplot], type: JS }],
    [
      "/vendor/uplot.min.css",
      { paths: [require.resolve("uplot/dist/uPlot.min.css")], type: "text/css; charset=utf-8" },
    ],
  ]);
}

const JS = "text/javascript; charset=utf-8";

// The page loads only its own files; inline styles stay allowed for uPlot's legend and sizes.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * edgeconsole: one page (`/`) showing the live domain, its module and uPlot as static files, a
 * bounded server-sent-event feed (`/api/events`, one snapshot a second while anyone watches) and
 * the current snapshot as JSON (`/api/snapshot`). Read-only: it only calls reads, and the token
 * stays between the console and the controller.
 */
export async function createConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const logger = options.logger ?? createLogger({ name: "edgeconsole" });
  const readTimeoutMs = options.readTimeoutMs ?? 2_000;
  const reader =
    options.read === undefined
      ? new DomainReader({
          controllerEndpoint: options.controllerEndpoint,
          ...(options.token ? { token: options.token } : {}),
          timeoutMs: readTimeoutMs,
          clock: options.clock ?? (() => performance.now()),
          unixClock: options.unixClock ?? Date.now,
        })
      : undefined;
  const read = options.read ?? (() => (reader as DomainReader).read());
  const watch = new DomainWatch({
    read,
    clock: options.clock ?? (() => performance.now()),
    intervalMs: options.refreshIntervalMs ?? 1_000,
    maxClients: options.maxClients ?? 16,
    schedule: options.schedule ?? backgroundScheduler,
    onError: (err) => logger.error({ err }, "reading the domain failed"),
  });
  const files = assets();

  const app = new Hono();
  app.get("/", (c) =>
    c.html(CONSOLE_PAGE, 200, { ...SECURITY_HEADERS, "cache-control": "no-cache" }),
  );
  for (const [path, asset] of files) {
    app.get(path, async (c) => {
      const body = await readFirst(asset.paths);
      if (body === undefined) {
        logger.error(
          { path, tried: asset.paths },
          "a file of the page is missing: run 'pnpm build'",
        );
        return c.json({ error: "The console's page is not built.", code: 500 }, 500);
      }
      return c.body(new Uint8Array(body), 200, {
        ...SECURITY_HEADERS,
        "content-type": asset.type,
        "cache-control": "no-cache",
      });
    });
  }
  app.get("/api/snapshot", async (c) =>
    c.json(await watch.current(), 200, { "cache-control": "no-store" }),
  );
  app.get("/api/events", (c) => {
    const stream = watch.subscribe();
    if (stream === undefined) {
      logger.warn({ clients: watch.feed.clients }, "live feed full: a client was turned away");
      return c.json({ error: "Too many live consoles are open.", code: 503 }, 503, {
        "retry-after": "5",
      });
    }
    return c.body(stream, 200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      // Proxies that buffer would turn a live feed into a late one.
      "x-accel-buffering": "no",
    });
  });

  let server: RunningServer;
  try {
    server = await serve({
      name: "edgeconsole",
      endpoint: options.serverEndpoint ?? "127.0.0.1:0",
      http: app,
      logger,
      ...(options.tls ? { tls: options.tls } : {}),
    });
  } catch (err) {
    reader?.close();
    await watch.close();
    throw err;
  }
  logger.info(
    {
      endpoint: server.endpoint,
      controller: options.controllerEndpoint,
      tokenConfigured: options.token !== undefined,
    },
    "edge console serving",
  );
  return {
    endpoint: server.endpoint,
    url: `${server.url}/`,
    async close() {
      // The feeds end first, so the server's drain does not wait on them.
      await watch.close();
      await server.close();
      reader?.close();
    },
  };
}

async function readFirst(paths: readonly string[]): Promise<Buffer | undefined> {
  for (const path of paths) {
    try {
      return await readFile(path);
    } catch {
      // Not there: the next candidate (dist/ or src/ layout).
    }
  }
  return undefined;
}
