import {
  type ClientHttp2Session,
  connect as connectHttp2,
  constants,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { connect as connectTcp, createServer, type Socket } from "node:net";
import { eventually } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { Http2Listener, type Http2ListenerOptions } from "./http2-listener.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type OnStream = Http2ListenerOptions["onStream"];

/** A loopback port 0 whose every connection is handed to one Http2Listener, as serve() does. */
async function listen(onStream: OnStream, options: Partial<Http2ListenerOptions> = {}) {
  const listener = new Http2Listener({
    headersTimeoutMs: 30_000,
    requestTimeoutMs: 60_000,
    idleTimeoutMs: 60_000,
    onStream,
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
    listener.destroy();
    listener.stop();
    for (const socket of accepted) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { listener, port: address.port, url: `http://127.0.0.1:${address.port}` };
}

function session(url: string): ClientHttp2Session {
  const client = connectHttp2(url);
  client.on("error", () => undefined);
  cleanups.push(() => client.destroy());
  return client;
}

interface Answer {
  readonly status: number | undefined;
  readonly body: string;
  readonly rstCode: number;
}

/** One request on `client`; resolves when its stream closes, however it closed. */
function request(
  client: ClientHttp2Session,
  headers: Record<string, string> = {},
  options: { body?: string; end?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve) => {
    const stream = client.request({ ":method": "POST", ":path": "/", ...headers });
    let status: number | undefined;
    let body = "";
    stream.on("response", (h) => {
      status = h[":status"];
    });
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      body += chunk;
    });
    stream.on("error", () => undefined);
    stream.on("close", () => resolve({ status, body, rstCode: stream.rstCode }));
    if (options.body !== undefined) stream.write(options.body);
    if (options.end !== false) stream.end();
  });
}

const answerOk: OnStream = (stream) => {
  stream.respond({ ":status": 200 });
  stream.end("ok");
};

/** A handler whose streams wait until the test answers them. */
function heldStreams() {
  const held: ServerHttp2Stream[] = [];
  const arrivals: Array<() => void> = [];
  const onStream: OnStream = (stream) => {
    stream.on("error", () => undefined);
    held.push(stream);
    for (const wake of arrivals.splice(0)) wake();
  };
  return {
    onStream,
    stream(i: number): ServerHttp2Stream {
      const stream = held[i];
      if (stream === undefined) throw new Error(`stream ${i} has not arrived`);
      return stream;
    },
    async arrived(count: number): Promise<void> {
      while (held.length < count) await new Promise<void>((resolve) => arrivals.push(resolve));
    },
  };
}

const closed = (client: ClientHttp2Session) =>
  new Promise<void>((resolve) => {
    if (client.closed) resolve();
    else client.once("close", () => resolve());
  });

describe("Http2Listener", () => {
  it("serves the streams of sessions accepted elsewhere, with their headers", async () => {
    let seen: IncomingHttpHeaders | undefined;
    let raw: string[] = [];
    const { url } = await listen((stream, headers, rawHeaders) => {
      seen = headers;
      raw = rawHeaders;
      answerOk(stream, headers, rawHeaders);
    });
    const answer = await request(session(url), { "x-test": "yes" });
    expect(answer).toMatchObject({ status: 200, body: "ok" });
    expect(seen?.["x-test"]).toBe("yes");
    expect(raw).toContain("x-test");
  });

  it("destroys a session that opens no stream within headersTimeoutMs", async () => {
    const { listener, url } = await listen(answerOk, { headersTimeoutMs: 100 });
    const client = session(url);
    await new Promise((resolve) => client.once("connect", resolve));
    await closed(client);
    await eventually(() => [...listener.sessions].length === 0);
  });

  it("resets a stream whose request body does not end within requestTimeoutMs", async () => {
    const { onStream, arrived, stream } = heldStreams();
    const { url } = await listen(onStream, { requestTimeoutMs: 150 });
    const client = session(url);
    const answer = request(client, {}, { body: "part", end: false });
    await arrived(1);
    expect((await answer).rstCode).toBe(constants.NGHTTP2_CANCEL);
    // Only the stream: its session still serves.
    const next = request(client);
    await arrived(2);
    stream(1).respond({ ":status": 200 });
    stream(1).end("ok");
    expect(await next).toMatchObject({ status: 200, body: "ok" });
  });

  it("leaves a stream whose body has ended alone, however long its handler takes", async () => {
    const { onStream, arrived, stream } = heldStreams();
    const { url } = await listen(onStream, { requestTimeoutMs: 100 });
    const answer = request(session(url), {}, { body: "all of it" });
    await arrived(1);
    const server = stream(0);
    await new Promise((resolve) => server.once("end", resolve).resume());
    // Several request timeouts pass before the handler answers.
    await new Promise((resolve) => setTimeout(resolve, 400));
    server.respond({ ":status": 200 });
    server.end("late");
    expect(await answer).toMatchObject({ status: 200, body: "late", rstCode: 0 });
  });

  it("closes a session gracefully once no stream started or ended for idleTimeoutMs", async () => {
    const { listener, url } = await listen(answerOk, { idleTimeoutMs: 200, headersTimeoutMs: 100 });
    const client = session(url);
    const goaway = new Promise<number>((resolve) => client.once("goaway", resolve));
    expect((await request(client)).status).toBe(200);
    expect(await goaway).toBe(constants.NGHTTP2_NO_ERROR);
    await closed(client);
    await eventually(() => [...listener.sessions].length === 0);
  });

  it("does not count a session with a stream open as idle, however long the stream runs", async () => {
    const { onStream, arrived, stream } = heldStreams();
    const { url } = await listen(onStream, { idleTimeoutMs: 200, headersTimeoutMs: 100 });
    const client = session(url);
    let goaways = 0;
    client.on("goaway", () => goaways++);
    const answer = request(client);
    await arrived(1);
    // Several idle timeouts and liveness rounds pass while the one stream is open.
    await new Promise((resolve) => setTimeout(resolve, 800));
    stream(0).respond({ ":status": 200 });
    stream(0).end("finished");
    expect(await answer).toMatchObject({ status: 200, body: "finished" });
    expect(goaways).toBe(0);
    // Once it ended, the session is idle and goes.
    await closed(client);
  });

  it("keeps a quiet session whose peer answers its liveness PINGs", async () => {
    const { listener, url } = await listen(answerOk, { headersTimeoutMs: 100 });
    const client = session(url);
    expect((await request(client)).status).toBe(200);
    let pings = 0;
    await new Promise<void>((resolve) =>
      client.on("ping", () => {
        if (++pings === 3) resolve();
      }),
    );
    expect(client.closed || client.destroyed).toBe(false);
    expect([...listener.sessions]).toHaveLength(1);
    expect((await request(client)).status).toBe(200);
  });

  it("destroys a quiet session whose peer never answers a PING", async () => {
    const { listener, port } = await listen(answerOk, { headersTimeoutMs: 100 });
    const socket = connectTcp({ host: "127.0.0.1", port });
    socket.on("error", () => undefined);
    cleanups.push(() => socket.destroy());
    socket.resume();
    // The client preface, an empty SETTINGS, and a whole GET / on stream 1 (so the session has
    // opened a stream); then nothing, not even the ACKs a live HTTP/2 peer sends by itself.
    socket.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
    socket.write(Buffer.from([0, 0, 6, 1, 5, 0, 0, 0, 1, 0x82, 0x84, 0x86, 0x41, 0x01, 0x61]));
    await new Promise((resolve) => socket.once("close", resolve));
    await eventually(() => [...listener.sessions].length === 0);
  });

  it("tracks open sessions until they close", async () => {
    const { listener, url } = await listen(answerOk);
    const first = session(url);
    const second = session(url);
    await Promise.all([request(first), request(second)]);
    expect([...listener.sessions]).toHaveLength(2);
    first.close();
    await eventually(() => [...listener.sessions].length === 1);
    second.destroy();
    await eventually(() => [...listener.sessions].length === 0);
  });

  it("drain() sends GOAWAY: streams in flight finish, new ones are refused", async () => {
    const { onStream, arrived, stream } = heldStreams();
    const { listener, url } = await listen(onStream);
    const client = session(url);
    const goaway = new Promise<number>((resolve) => client.once("goaway", resolve));
    const answer = request(client);
    await arrived(1);
    listener.drain();
    expect(await goaway).toBe(constants.NGHTTP2_NO_ERROR);
    const refused = await request(client).then(
      (a) => a.status,
      (error: unknown) => (error as NodeJS.ErrnoException).code,
    );
    expect(refused).toBe("ERR_HTTP2_GOAWAY_SESSION");
    stream(0).respond({ ":status": 200 });
    stream(0).end("finished");
    expect(await answer).toMatchObject({ status: 200, body: "finished" });
    await closed(client);
  });

  it("destroy() cuts every session, whatever is in flight", async () => {
    const { onStream, arrived } = heldStreams();
    const { listener, url } = await listen(onStream);
    const client = session(url);
    const answer = request(client);
    await arrived(1);
    listener.destroy();
    const cut = await answer;
    expect(cut.status).toBeUndefined();
    await closed(client);
  });
});
