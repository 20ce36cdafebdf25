import type { ClientHttp2Session } from "node:http2";
import { createServer as createTcpServer, type Socket } from "node:net";
import { eventually, unusedPort } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { Http2SessionPool } from "./http2-session-pool.js";
import { startRawH2Server } from "../test/raw-h2.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function portOf(server: { address(): unknown }): number {
  const address = server.address() as { port: number } | null;
  if (address === null) throw new Error("no port");
  return address.port;
}

async function h2Server() {
  const server = await startRawH2Server(() => {});
  cleanups.push(() => server.close());
  return server;
}

function pool(authority: string, options?: ConstructorParameters<typeof Http2SessionPool>[1]) {
  const made = new Http2SessionPool(authority, options);
  cleanups.push(() => made.close());
  return made;
}

const connected = (session: ClientHttp2Session) =>
  new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });

// Sessions are compared with ===: vitest cannot print one in a failure message.
describe("Http2SessionPool", () => {
  it("keeps one session for every call to its destination", async () => {
    const { authority, sessions } = await h2Server();
    const p = pool(authority);
    const first = p.session();
    await connected(first);
    expect(p.session() === first).toBe(true);
    expect(p.wasConnected(first)).toBe(true);
    expect(sessions).toHaveLength(1);
  });

  it("opens a new session once the peer has closed the old one", async () => {
    const { authority, sessions } = await h2Server();
    const p = pool(authority);
    const first = p.session();
    await connected(first);
    await eventually(() => sessions.length === 1);
    sessions[0]?.close();
    await eventually(() => first.closed || first.destroyed);
    const second = p.session();
    expect(second === first).toBe(false);
    await connected(second);
    expect(sessions).toHaveLength(2);
  });

  it("tells a session that never reached its peer from one that did", async () => {
    const port = await unusedPort();
    const p = pool(`http://127.0.0.1:${port}`);
    const session = p.session();
    session.on("error", () => {});
    await eventually(() => session.destroyed);
    expect(p.wasConnected(session)).toBe(false);
    // The failed session is dropped: the next call tries again.
    const next = p.session();
    next.on("error", () => {});
    expect(next === session).toBe(false);
  });

  it("destroys a session whose peer does not answer the PING after a timed-out call", async () => {
    // A peer that accepts the connection and never speaks HTTP/2.
    const sockets: Socket[] = [];
    const tcp = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => tcp.close(resolve)));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
    });
    const p = pool(`http://127.0.0.1:${portOf(tcp)}`, { pingTimeoutMs: 50 });
    const session = p.session();
    session.on("error", () => {});
    await connected(session);
    p.probe(session);
    await eventually(() => session.destroyed);
    expect(p.session() === session).toBe(false);
  });

  it("leaves a session that answers the PING alone", async () => {
    const { authority } = await h2Server();
    const p = pool(authority, { pingTimeoutMs: 5_000 });
    const session = p.session();
    await connected(session);
    p.probe(session);
    // PINGs are answered in order: once a second one is acknowledged, so was the probe's.
    await new Promise<void>((resolve, reject) =>
      session.ping((error) => (error === null ? resolve() : reject(error))),
    );
    expect(session.destroyed).toBe(false);
    expect(p.session() === session).toBe(true);
  });

  it("drops its session on reset and refuses new ones once closed", async () => {
    const { authority } = await h2Server();
    const p = pool(authority);
    const first = p.session();
    await connected(first);
    p.reset();
    const second = p.session();
    expect(second === first).toBe(false);
    p.close();
    expect(() => p.session()).toThrow("session pool is closed");
    await eventually(() => second.closed || second.destroyed);
  });
});
