import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { inspect } from "node:util";
import { afterEach, expect } from "vitest";
import { OpenWhiskClient, type OpenWhiskClientOptions } from "../src/openwhisk-client.js";

/** Stub servers and checks shared by the client specs. */
export const KEY =
  "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";
const SECRET_PART = KEY.split(":")[1] ?? "";
export const ENCODED = Buffer.from(KEY).toString("base64");
export const ID = "0123456789abcdef0123456789abcdef";

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

type Handler = (seen: Seen, res: http.ServerResponse) => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs after the current test, last registered first. */
export function afterThisTest(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export function portOf(server: { address(): unknown }): number {
  return (server.address() as AddressInfo).port;
}

/** An HTTP server answering with `handler`, recording every request it saw. */
export async function stubServer(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        socket: req.socket,
      };
      seen.push(entry);
      handler(entry, res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterThisTest(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${portOf(server)}`, seen };
}

export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** A client with the test key, closed after the test. */
export function client(
  apiRoot: string,
  extra: Partial<OpenWhiskClientOptions> = {},
): OpenWhiskClient {
  const c = new OpenWhiskClient({ apiRoot, auth: KEY, ...extra });
  afterThisTest(() => c.close());
  return c;
}

/** The key shows up in no rendering of the error: message, JSON, inspection, stack. */
export function expectNoSecret(error: unknown): void {
  const renderings = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    (error as Error).stack ?? "",
  ];
  for (const text of renderings) {
    expect(text).not.toContain(SECRET_PART);
    expect(text).not.toContain(ENCODED);
  }
}
