import { gzipSync } from "node:zlib";
import type { HostileCase } from "./hostile-cases.js";

const rpc = "/uiiit.rpc.EdgeServer/RunLambda";

function h1(label: string, text: string | Buffer): HostileCase {
  const bytes = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  return { kind: "h1", label, chunks: [bytes], gapMs: 0, complete: true };
}

function h2(label: string, headers: Record<string, string>, body: Buffer): HostileCase {
  return { kind: "h2", label, headers: { ":method": "POST", ...headers }, body, reset: false };
}

/**
 * Every input that ever broke a service, kept as a regression test for every port (issue
 * "Hardening"). The port must answer each whole request, and survive every one.
 */
export function regressionCorpus(procedure: string = rpc): HostileCase[] {
  const json = (host: string) =>
    `POST ${procedure} HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\n` +
    "content-length: 2\r\nconnection: close\r\n\r\n{}";
  const deep = `{"name":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  return [
    // An uncaught TypeError: Invalid URL from connect-node killed the process.
    h1("Host with a port over 65535", json("127.0.0.1:99999")),
    h1("Host with an unclosed IPv6 bracket", json("[::1")),
    h2(
      "HTTP/2 :authority with a port over 65535",
      {
        ":path": procedure,
        ":authority": "127.0.0.1:99999",
        "content-type": "application/json",
      },
      Buffer.from("{}"),
    ),
    h1(
      "a path that resolves to another host",
      "GET //[ HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n",
    ),
    // A 500 where the body was the client's fault.
    h1(
      "Connect binary body that does not decode",
      Buffer.concat([
        Buffer.from(
          `POST ${procedure} HTTP/1.1\r\nHost: x\r\ncontent-type: application/proto\r\n` +
            "content-length: 2\r\nconnection: close\r\n\r\n",
        ),
        Buffer.from([0x0a, 0xff]),
      ]),
    ),
    h1(
      "JSON nested 100,000 deep",
      `POST ${procedure} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n` +
        `content-length: ${deep.length}\r\nconnection: close\r\n\r\n${deep}`,
    ),
    // Dropped without an answer, or answered without a JSON body.
    h1(
      "the CONNECT method",
      `CONNECT ${procedure} HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n`,
    ),
    h1("a backslash in the path", "GET /a\\b HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n"),
    // zlib's "unexpected end of file" was an internal error, a 500.
    h1(
      "a gzip body cut short",
      Buffer.concat([
        Buffer.from(
          `POST ${procedure} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n` +
            "content-encoding: gzip\r\ncontent-length: 12\r\nconnection: close\r\n\r\n",
        ),
        gzipSync(Buffer.from('{"name":"copy","input":"cut short"}')).subarray(0, 12),
      ]),
    ),
    // Node hands CONNECT sockets over without its error listener: a reset after the 405 was an
    // unhandled ECONNRESET that killed the proxy and the OpenWhisk mock in the soak.
    {
      kind: "h1",
      label: "a reset after the answer to CONNECT",
      chunks: [Buffer.from(`CONNECT ${procedure} HTTP/1.1\r\nHost: x\r\n\r\n`)],
      gapMs: 0,
      complete: false,
      reset: true,
    },
    // An unhandled ECONNRESET on a socket whose protocol was not yet known killed every service.
    {
      kind: "h1",
      label: "a reset while the first bytes are sorted",
      chunks: [Buffer.from("PO")],
      gapMs: 0,
      complete: false,
      reset: true,
    },
  ];
}
