import { createServer, connect, type Socket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { sortCleartext, startsHttp2Preface } from "./connection-sorter.js";

describe("startsHttp2Preface", () => {
  test("recognises the preface and any prefix of it", () => {
    expect(startsHttp2Preface(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))).toBe(true);
    expect(startsHttp2Preface(Buffer.from("PRI"))).toBe(true);
    expect(startsHttp2Preface(Buffer.from("POST / HTTP/1.1"))).toBe(false);
    expect(startsHttp2Preface(Buffer.from("GET / HTTP/1.1"))).toBe(false);
    expect(startsHttp2Preface(Buffer.alloc(0))).toBe(false);
  });
});

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A server that sorts every connection and reports the verdict with the bytes put back. */
async function sorted(send: (client: Socket) => void, silenceMs = 5_000) {
  const verdict = new Promise<{ http2: boolean; bytes: string } | "closed">((resolve) => {
    const server = createServer((socket) => {
      socket.on("close", () => resolve("closed"));
      sortCleartext(socket, silenceMs, (s, http2) => {
        const read = () => {
          const chunk = s.read() as Buffer | null;
          if (chunk !== null) resolve({ http2, bytes: chunk.toString() });
        };
        if (http2) read();
        else s.once("data", (chunk: Buffer) => resolve({ http2, bytes: chunk.toString() }));
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as { port: number };
      const client = connect(address.port, "127.0.0.1", () => send(client));
      client.on("error", () => undefined);
      closers.push(() => {
        client.destroy();
        server.close();
      });
    });
  });
  return verdict;
}

describe("sortCleartext", () => {
  test("an HTTP/1.1 POST sent a byte at a time is not mistaken for HTTP/2", async () => {
    const verdict = await sorted((client) => {
      client.write("P");
      setTimeout(() => client.write("OST / HTTP/1.1\r\n"), 20);
    });
    expect(verdict).toEqual({ http2: false, bytes: "POST / HTTP/1.1\r\n" });
  });

  test("the HTTP/2 preface goes to HTTP/2 with its bytes put back", async () => {
    const verdict = await sorted((client) => client.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    expect(verdict).toEqual({ http2: true, bytes: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" });
  });

  test("a connection that says too little is closed", async () => {
    expect(await sorted((client) => client.write("PR"), 100)).toBe("closed");
    expect(await sorted(() => undefined, 100)).toBe("closed");
  });
});
