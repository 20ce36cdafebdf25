import { gzipSync } from "node:zlib";
import { SeededBytes } from "./seeded-bytes.js";

/** What a port serves, so the fuzz aims most inputs at paths that reach real handlers. */
export interface FuzzTarget {
  /** RPC procedures served on the port, e.g. `/uiiit.rpc.EdgeServer/RunLambda`. */
  readonly procedures: readonly string[];
  /** Plain HTTP paths served on the port (beside `/healthz` and `/metrics`). */
  readonly httpPaths: readonly string[];
  /**
   * Headers most inputs carry (e.g. valid credentials), so hostile bodies get past the door and
   * reach the handlers; the rest go without, to hit the door itself.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Raw bytes on a fresh HTTP/1.1 (or unsorted) connection, written in chunks `gapMs` apart. */
export interface Http1Case {
  readonly kind: "h1";
  readonly label: string;
  readonly chunks: readonly Buffer[];
  readonly gapMs: number;
  /** Whether the request is whole, so the server owes an answer (not just a timeout). */
  readonly complete: boolean;
  /** Reset the connection (TCP RST) right after the bytes are written. */
  readonly reset?: boolean;
}

/** One HTTP/2 request through node:http2, with headers of our choosing. */
export interface Http2RequestCase {
  readonly kind: "h2";
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Reset the stream (CANCEL) after half the body instead of ending it. */
  readonly reset: boolean;
}

/** The client preface followed by raw frames of our making on a fresh connection. */
export interface Http2FramesCase {
  readonly kind: "h2-frames";
  readonly label: string;
  readonly bytes: Buffer;
}

export type HostileCase = Http1Case | Http2RequestCase | Http2FramesCase;

const badAuthorities = [
  "127.0.0.1:99999",
  "[::1",
  "[::1]:70000",
  "a b",
  "x@y",
  "host/path",
  "host?q",
  "%zz",
  "[zz]",
  ":::",
  "h:-1",
  "h:65536",
  "\t",
];
const goodAuthorities = ["127.0.0.1", "localhost:1", "[::1]:6473", "edge.example"];

const contentTypes = [
  "application/grpc",
  "application/grpc+proto",
  "application/grpc+json",
  "application/grpc-web",
  "application/grpc-web+proto",
  "application/grpc-web+json",
  "application/grpc-web-text",
  "application/proto",
  "application/json",
  "application/connect+proto",
  "application/connect+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "application/grpc; codec=nope",
  "",
];

const grpcTimeouts = ["1H", "99999999999n", "-1S", "x", "1", "0m", "18446744073709551616S", "5m"];

const methods = [
  "POST",
  "GET",
  "PUT",
  "DELETE",
  "OPTIONS",
  "HEAD",
  "PATCH",
  "PRI",
  "CONNECT",
  "post",
];

function envelope(flags: number, declaredLength: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(flags & 0xff, 0);
  header.writeUInt32BE(declaredLength >>> 0, 1);
  return Buffer.concat([header, payload]);
}

/** Protobuf-shaped noise: plausible tags and wire types with random values and lengths. */
function protobufNoise(rng: SeededBytes): Buffer {
  const parts: Buffer[] = [];
  const fields = rng.below(8);
  for (let i = 0; i < fields; i++) {
    const field = 1 + rng.below(20);
    const wire = rng.pick([0, 1, 2, 5, 3, 4, 6, 7]);
    parts.push(Buffer.from([(field << 3) | wire]));
    if (wire === 2) {
      const n = rng.below(40);
      const declared = rng.chance(0.2) ? n + 1 + rng.below(1000) : n;
      parts.push(Buffer.from([declared & 0x7f]), rng.bytes(n));
    } else {
      parts.push(rng.bytes(rng.pick([1, 4, 8, 10])));
    }
  }
  return Buffer.concat(parts);
}

function deepJson(depth: number): Buffer {
  return Buffer.from(`{"name":${"[".repeat(depth)}${"]".repeat(depth)}}`);
}

/** A request body: empty, noise, envelopes that lie about their length, or JSON that is not. */
function body(rng: SeededBytes): Buffer {
  switch (rng.below(11)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return rng.bytes(rng.below(2048));
    case 2:
      return envelope(0, 0, Buffer.alloc(0));
    case 3: {
      const payload = protobufNoise(rng);
      return envelope(0, payload.length, payload);
    }
    case 4: {
      const payload = rng.bytes(rng.below(64));
      return envelope(0, payload.length + 1 + rng.below(100_000), payload);
    }
    case 5:
      return envelope(0, 0x7fff_ffff, rng.bytes(16));
    case 6:
      return envelope(1, 32, rng.bytes(32));
    case 7:
      return envelope(rng.uint32(), 8, rng.bytes(8)).subarray(0, 1 + rng.below(12));
    case 8:
      return protobufNoise(rng);
    case 9:
      return rng.pick([
        Buffer.from("{"),
        Buffer.from('{"name":"x","input":'),
        Buffer.from("null"),
        Buffer.from('"\\ud800"'),
        Buffer.from('{"name":1e999999}'),
        deepJson(10_000),
      ]);
    default: {
      const first = protobufNoise(rng);
      const second = rng.bytes(rng.below(32));
      return Buffer.concat([envelope(0, first.length, first), envelope(0, second.length, second)]);
    }
  }
}

function path(rng: SeededBytes, target: FuzzTarget): string {
  const known = [...target.procedures, ...target.httpPaths, "/healthz", "/metrics"];
  switch (rng.below(6)) {
    case 0:
    case 1:
    case 2:
      return rng.pick(known.length > 0 ? known : ["/"]);
    case 3:
      return `${rng.pick(known.length > 0 ? known : ["/"])}${rng.pick(["?", "/..", "%", "//", "?a=%zz", "#x"])}`;
    case 4:
      return rng.pick(["//[", "/%", "*", "/", "//x:99999/y", `/${"a".repeat(10_000)}`, "/\u00ff"]);
    default:
      return `/${rng.printable(1 + rng.below(40))}`;
  }
}

function authority(rng: SeededBytes): string {
  return rng.chance(0.3) ? rng.pick(badAuthorities) : rng.pick(goodAuthorities);
}

/** HTTP/1.1 request text: mostly well framed around a hostile body, sometimes broken framing. */
function http1Case(rng: SeededBytes, target: FuzzTarget, index: number): Http1Case {
  const requestBody = body(rng);
  const method = rng.chance(0.8) ? "POST" : rng.pick(methods);
  const headers = [`Host: ${authority(rng)}`];
  if (rng.chance(0.7)) {
    for (const [name, value] of Object.entries(target.headers ?? {}))
      headers.push(`${name}: ${value}`);
  }
  const type = rng.pick(contentTypes);
  if (type !== "") headers.push(`Content-Type: ${type}`);
  if (rng.chance(0.1)) headers.push(`grpc-timeout: ${rng.pick(grpcTimeouts)}`);
  let encoded = requestBody;
  if (rng.chance(0.1)) {
    const encoding = rng.pick(["gzip", "br", "nope"]);
    headers.push(`Content-Encoding: ${encoding}`);
    // Sometimes real compressed bytes cut short, not just noise.
    if (encoding === "gzip" && rng.chance(0.5)) {
      const zipped = gzipSync(requestBody);
      encoded = zipped.subarray(0, rng.below(zipped.length));
    }
  }
  if (rng.chance(0.1)) headers.push("Connect-Protocol-Version: 1");
  if (rng.chance(0.05)) headers.push(`X-Big: ${"a".repeat(20_000)}`);
  let complete = true;
  let framing: string;
  switch (rng.below(10)) {
    case 0:
      framing = `Content-Length: ${encoded.length + 1 + rng.below(1000)}`;
      complete = false;
      break;
    case 1:
      framing = `Content-Length: ${rng.pick(["-1", "nope", "1, 2", "99999999999999999999"])}`;
      break;
    case 2:
      framing = `Transfer-Encoding: chunked\r\nContent-Length: ${encoded.length}`;
      break;
    case 3:
      framing = "Transfer-Encoding: chunked";
      break;
    default:
      framing = `Content-Length: ${encoded.length}`;
  }
  const version = rng.chance(0.05)
    ? rng.pick(["HTTP/1.0", "HTTP/0.9", "HTTP/3.0", "HTTX/1.1"])
    : "HTTP/1.1";
  const head = `${method} ${path(rng, target)} ${version}\r\n${headers.join("\r\n")}\r\n${framing}\r\nConnection: close\r\n\r\n`;
  let payload = encoded;
  if (framing === "Transfer-Encoding: chunked") {
    // A chunk size that may lie, and maybe no last chunk: then the request is not whole.
    const honestSize = rng.chance(0.5);
    const lastChunk = rng.chance(0.8);
    if (!honestSize || !lastChunk) complete = false;
    payload = Buffer.concat([
      Buffer.from(`${honestSize ? encoded.length.toString(16) : rng.printable(3)}\r\n`),
      encoded,
      Buffer.from(lastChunk ? "\r\n0\r\n\r\n" : "\r\n"),
    ]);
  }
  let bytes = Buffer.concat([Buffer.from(head, "latin1"), payload]);
  if (rng.chance(0.1)) {
    // Corrupt a few bytes anywhere: NULs in headers, bare LFs, broken request lines.
    bytes = Buffer.from(bytes);
    for (let i = 0; i < 1 + rng.below(4); i++)
      bytes[rng.below(bytes.length)] = rng.pick([0, 10, 13, 32, 58, 255]);
    complete = false;
  }
  if (rng.chance(0.1)) {
    bytes = bytes.subarray(0, rng.below(bytes.length));
    complete = false;
  }
  if (rng.chance(0.05)) {
    // A client that resets after a few bytes, often before the server knows the protocol.
    return {
      kind: "h1",
      label: `h1 #${index}`,
      chunks: [bytes.subarray(0, rng.below(Math.min(bytes.length, 24)))],
      gapMs: 0,
      complete: false,
      reset: true,
    };
  }
  return { kind: "h1", label: `h1 #${index}`, chunks: [bytes], gapMs: 0, complete };
}

function http2RequestCase(rng: SeededBytes, target: FuzzTarget, index: number): Http2RequestCase {
  const headers: Record<string, string> = {
    ":method": rng.chance(0.85) ? "POST" : rng.pick(methods.filter((m) => m !== "CONNECT")),
    ":path": path(rng, target),
    ":authority": authority(rng),
    ...(rng.chance(0.7) ? target.headers : {}),
  };
  const type = rng.pick(contentTypes);
  if (type !== "") headers["content-type"] = type;
  if (rng.chance(0.5)) headers.te = "trailers";
  if (rng.chance(0.15)) headers["grpc-timeout"] = rng.pick(grpcTimeouts);
  if (rng.chance(0.1)) headers["grpc-encoding"] = rng.pick(["gzip", "identity", "snappy", "nope"]);
  if (rng.chance(0.05)) headers["x-big"] = "b".repeat(20_000);
  return {
    kind: "h2",
    label: `h2 #${index}`,
    headers,
    body: body(rng),
    reset: rng.chance(0.1),
  };
}

function frame(
  type: number,
  flags: number,
  stream: number,
  payload: Buffer,
  declared?: number,
): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(declared ?? payload.length, 0, 3);
  header.writeUInt8(type & 0xff, 3);
  header.writeUInt8(flags & 0xff, 4);
  header.writeUInt32BE(stream >>> 0, 5);
  return Buffer.concat([header, payload]);
}

function settingsPayload(rng: SeededBytes): Buffer {
  const entries: Buffer[] = [];
  for (let i = 0; i < rng.below(5); i++) {
    const entry = Buffer.alloc(6);
    entry.writeUInt16BE(rng.pick([1, 2, 3, 4, 5, 6, 8, 9, 0xffff]), 0);
    entry.writeUInt32BE(
      rng.pick([0, 1, 2, 16_383, 16_384, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff]),
      2,
    );
    entries.push(entry);
  }
  return Buffer.concat(entries);
}

/** The preface, maybe a SETTINGS frame, then frames that are wrong in one way or another. */
function http2FramesCase(rng: SeededBytes, index: number): Http2FramesCase {
  const parts: Buffer[] = [Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")];
  if (rng.chance(0.8)) parts.push(frame(4, 0, 0, settingsPayload(rng)));
  for (let i = 0; i < 1 + rng.below(6); i++) {
    const stream = rng.pick([0, 1, 2, 3, 0x7fff_ffff, 0x8000_0001, 1 + 2 * rng.below(100)]);
    switch (rng.below(9)) {
      case 0: // HEADERS with garbage HPACK, END_HEADERS maybe
        parts.push(frame(1, rng.pick([4, 5, 0, 0x24, 0x2d]), stream, rng.bytes(rng.below(64))));
        break;
      case 1: // DATA on a stream that is not open
        parts.push(frame(0, rng.pick([0, 1, 8]), stream, rng.bytes(rng.below(64))));
        break;
      case 2: // WINDOW_UPDATE of 0 or of the maximum
        parts.push(
          frame(
            8,
            0,
            stream,
            Buffer.from(
              rng.pick([
                [0, 0, 0, 0],
                [0x7f, 0xff, 0xff, 0xff],
                [1, 2],
              ]),
            ),
          ),
        );
        break;
      case 3: // RST_STREAM, PRIORITY, PUSH_PROMISE from a client, CONTINUATION alone
        parts.push(
          frame(rng.pick([3, 2, 5, 9]), rng.below(256), stream, rng.bytes(rng.pick([0, 4, 5, 8]))),
        );
        break;
      case 4: // SETTINGS with an ACK and a payload, or on a stream
        parts.push(frame(4, rng.pick([0, 1]), rng.pick([0, stream]), settingsPayload(rng)));
        break;
      case 5: // PING of the wrong size, GOAWAY with garbage
        parts.push(
          frame(
            rng.pick([6, 7]),
            rng.below(2),
            rng.pick([0, stream]),
            rng.bytes(rng.pick([0, 7, 8, 9, 40])),
          ),
        );
        break;
      case 6: // a frame whose declared length lies
        parts.push(
          frame(
            rng.below(10),
            rng.below(256),
            stream,
            rng.bytes(rng.below(32)),
            rng.below(0x100_0000),
          ),
        );
        break;
      case 7: // unknown frame types are to be ignored
        parts.push(frame(10 + rng.below(240), rng.below(256), stream, rng.bytes(rng.below(64))));
        break;
      default: // raw noise
        parts.push(rng.bytes(1 + rng.below(64)));
    }
  }
  return { kind: "h2-frames", label: `h2-frames #${index}`, bytes: Buffer.concat(parts) };
}

/**
 * `count` hostile inputs for a port, the same for the same seed: HTTP/1.1 requests (broken
 * authorities, framing, content types, bodies), HTTP/2 requests through a real client (bad
 * `:authority`, envelopes that lie, random protobuf, resets mid-stream, bad `grpc-timeout`), and
 * raw HTTP/2 frames (invalid SETTINGS, frames on closed or even streams, lying lengths).
 */
export function hostileCases(
  target: FuzzTarget,
  seed: string | number,
  count: number,
): HostileCase[] {
  const rng = new SeededBytes(seed);
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i++) {
    const pick = rng.below(10);
    if (pick < 4) cases.push(http1Case(rng, target, i));
    else if (pick < 8) cases.push(http2RequestCase(rng, target, i));
    else cases.push(http2FramesCase(rng, i));
  }
  return cases;
}

/**
 * Slow senders: requests that trickle in a byte at a time (headers, or a body after whole
 * headers). The server must cut each within its headers or request timeout.
 */
export function slowSenderCases(target: FuzzTarget, gapMs: number): Http1Case[] {
  const rpc = target.procedures[0] ?? "/healthz";
  const headers = `POST ${rpc} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`;
  const dribble = (text: string) => Array.from(Buffer.from(text), (b) => Buffer.from([b]));
  return [
    {
      kind: "h1",
      label: "slow headers",
      chunks: dribble(`${headers}X-Slow: ${"a".repeat(10_000)}`),
      gapMs,
      complete: false,
    },
    {
      kind: "h1",
      label: "slow body",
      chunks: [
        Buffer.from(`${headers}Content-Length: 10000\r\n\r\n`),
        ...dribble(" ".repeat(10_000)),
      ],
      gapMs,
      complete: false,
    },
  ];
}
