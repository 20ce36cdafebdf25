import type { IncomingMessage, ServerResponse } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Http1Listener, type Http1ListenerOptions } from "./http1-listener.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type OnRequest = Http1ListenerOptions["onRequest"];

/** A loopback port 0 whose every connection is handed to one Http1Listener, as serve() does. */
async function listen(onRequest: OnRequest, options: Partial<Http1ListenerOptions> = {}) {
  const listener = new Http1Listener({
    requestTimeoutMs: 60_000,
    headersTimeoutMs: 30_000,
    keepAliveTimeoutMs: 30_000,
    onRequest,
    ...options,
  });
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    listener.accept(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  cleanups.push(() => {
    listener.drain();
    for (const socket of accepted) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { listener, accepted, port: address.port };
}

/** A raw client connection that gathers everything the server says. */
function client(port: number) {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => undefined);
  cleanups.push(() => socket.destroy());
  socket.setEncoding("latin1");
  let text = "";
  const waiters: Array<() => void> = [];
  socket.on("data", (chunk: string) => {
    text += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return {
    socket,
    closed,
    text: () => text,
    /** Resolves once the server has said `count` responses' worth of `needle`. */
    async saw(needle: string, count = 1): Promise<void> {
      while (text.split(needle).length - 1 < count) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

/** A handler whose responses wait until the test releases them, one at a time in order. */
function heldResponses() {
  const held: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
  const arrivals: Array<() => void> = [];
  const onRequest: OnRequest = (req, res) => {
    held.push({ req, res });
    for (const wake of arrivals.splice(0)) wake();
  };
  return {
    onRequest,
    /** The response to the `i`th request that arrived. */
    res(i: number): ServerResponse {
      const entry = held[i];
      if (entry === undefined) throw new Error(`request ${i} has not arrived`);
      return entry.res;
    },
    async arrived(count: number): Promise<void> {
      while (held.length < count) await new Promise<void>((resolve) => arrivals.push(resolve));
    },
  };
}

const answerOk: OnRequest = (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
  res.end("ok");
};

const get = (path = "/") => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

describe("Http1Listener", () => {
  it("serves HTTP/1.1 on sockets accepted elsewhere", async () => {
    const { port } = await listen(answerOk);
    const c = client(port);
    c.socket.write(get("/hello"));
    await c.saw("\r\n\r\nok");
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it("answers headers that do not complete in time with a JSON 408 and closes", async () => {
    let served = 0;
    const { port } = await listen(
      () => {
        served++;
      },
      { headersTimeoutMs: 150, requestTimeoutMs: 60_000 },
    );
    const c = client(port);
    c.socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Never: ");
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(c.text()).toContain('"error":"Request timed out."');
    expect(served).toBe(0);
  });

  it("times out a connection that never says a word, from the connection's start", async () => {
    const { port } = await listen(answerOk, { headersTimeoutMs: 150, requestTimeoutMs: 60_000 });
    const c = client(port);
    await c.closed;
    expect(c.socket.destroyed).toBe(true);
  });

  it("cuts a request whose body does not arrive in time with a 408, and frees the socket", async () => {
    const { onRequest, arrived, res } = heldResponses();
    const { listener, accepted, port } = await listen(onRequest, {
      headersTimeoutMs: 100,
      requestTimeoutMs: 300,
    });
    const c = client(port);
    c.socket.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 1000\r\n\r\n{");
    await arrived(1);
    expect(listener.isBusy(accepted[0] as Socket)).toBe(true);
    const responseClosed = new Promise<void>((resolve) => res(0).once("close", () => resolve()));
    await c.closed;
    await responseClosed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(listener.isBusy(accepted[0] as Socket)).toBe(false);
  });

  it("closes an idle keep-alive connection after keepAliveTimeoutMs", async () => {
    const { port } = await listen(answerOk, { keepAliveTimeoutMs: 100 });
    const c = client(port);
    c.socket.write(get());
    await c.saw("\r\n\r\nok");
    expect(c.text()).not.toMatch(/connection: close/i);
    await c.closed;
    // One response, then the server hung up on its own.
    expect(c.text().split("HTTP/1.1 200").length - 1).toBe(1);
  });

  it("counts a socket busy from a request's arrival until its response closes", async () => {
    const { onRequest, arrived, res } = heldResponses();
    const { listener, accepted, port } = await listen(onRequest);
    const c = client(port);
    c.socket.write(get());
    await arrived(1);
    const socket = accepted[0] as Socket;
    expect(listener.isBusy(socket)).toBe(true);
    const busyAfterClose = new Promise<boolean>((resolve) =>
      res(0).once("close", () => resolve(listener.isBusy(socket))),
    );
    res(0).end("done");
    expect(await busyAfterClose).toBe(false);
    expect(socket.destroyed).toBe(false);
  });

  it("keeps a socket busy until every pipelined request on it is answered", async () => {
    const { onRequest, arrived, res } = heldResponses();
    const { listener, accepted, port } = await listen(onRequest);
    const c = client(port);
    c.socket.write(get("/1") + get("/2"));
    await arrived(2);
    const socket = accepted[0] as Socket;
    const first = res(0);
    const second = res(1);
    const busyAfterFirst = new Promise<boolean>((resolve) =>
      first.once("close", () => resolve(listener.isBusy(socket))),
    );
    first.end("one");
    expect(await busyAfterFirst).toBe(true);
    const busyAfterSecond = new Promise<boolean>((resolve) =>
      second.once("close", () => resolve(listener.isBusy(socket))),
    );
    second.end("two");
    expect(await busyAfterSecond).toBe(false);
    await c.saw("two");
  });

  it("forgets a socket whose client hung up mid-request", async () => {
    const { onRequest, arrived, res } = heldResponses();
    const { listener, accepted, port } = await listen(onRequest);
    const c = client(port);
    c.socket.write(get());
    await arrived(1);
    const socket = accepted[0] as Socket;
    const serverSideClosed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    c.socket.destroy();
    await serverSideClosed;
    expect(res(0).writableEnded).toBe(false);
    expect(listener.isBusy(socket)).toBe(false);
  });

  it("after drain(), a request in flight finishes and then its connection is closed", async () => {
    const { onRequest, arrived, res } = heldResponses();
    const { listener, port } = await listen(onRequest);
    const c = client(port);
    c.socket.write(get());
    await arrived(1);
    listener.drain();
    const response = res(0);
    response.writeHead(200, { "content-length": "8" });
    response.end("finished");
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(c.text().endsWith("\r\n\r\nfinished")).toBe(true);
  });

  it("drain() closes idle keep-alive connections at once", async () => {
    const { listener, port } = await listen(answerOk);
    const c = client(port);
    c.socket.write(get());
    await c.saw("\r\n\r\nok");
    listener.drain();
    await c.closed;
    expect(c.text().split("HTTP/1.1 200 OK").length - 1).toBe(1);
  });

  it("after drain(), a request pipelined behind one in flight is answered with connection: close", async () => {
    const { onRequest, arrived, res } = heldResponses();
    const { listener, port } = await listen(onRequest);
    const c = client(port);
    c.socket.write(get("/1"));
    await arrived(1);
    listener.drain();
    c.socket.write(get("/2"));
    await arrived(2);
    res(0).end("one");
    res(1).end("two");
    await c.closed;
    const responses = c.text().split("HTTP/1.1 200 OK");
    expect(responses.length - 1).toBe(2);
    expect(responses[2]).toMatch(/connection: close/i);
    expect(c.text()).toContain("two");
  });

  it("never hands malformed requests or CONNECT to onRequest", async () => {
    let served = 0;
    const { port } = await listen(() => {
      served++;
    });
    const broken = client(port);
    broken.socket.write("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
    await broken.closed;
    expect(broken.text()).toMatch(/^HTTP\/1\.1 400 /);
    const tunnel = client(port);
    tunnel.socket.write("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    await tunnel.closed;
    expect(tunnel.text()).toMatch(/^HTTP\/1\.1 405 /);
    expect(served).toBe(0);
  });
});
