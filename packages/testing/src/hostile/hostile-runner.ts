import { type ClientHttp2Session, connect as connectHttp2, constants } from "node:http2";
import { connect as connectTcp } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { HostileCase, Http1Case, Http2FramesCase, Http2RequestCase } from "./hostile-cases.js";

/** What the server did with one hostile input. */
export interface CaseOutcome {
  readonly label: string;
  readonly kind: HostileCase["kind"];
  /**
   * `answered`: an HTTP status came back; `reset`: the stream was reset or the session cut;
   * `closed`: the connection was closed without an answer; `pending`: nothing yet when the case
   * ran out of time; `unsendable`: our own client refused to send it (not the server's doing).
   */
  readonly result: "answered" | "reset" | "closed" | "pending" | "unsendable";
  readonly status?: number;
  /** `grpc-status` from the headers (trailers-only) or the trailers. */
  readonly grpcStatus?: string;
  readonly grpcMessage?: string;
  readonly contentType?: string;
  /** The first bytes of the body, as text. */
  readonly body: string;
}

export interface RunnerOptions {
  readonly host: string;
  readonly port: number;
  /** How long one case may take before it is counted `pending` and cut (default 2 s). */
  readonly caseTimeoutMs?: number;
}

const bodyPreview = 400;

/**
 * Runs hostile inputs against one port, one at a time: raw sockets for HTTP/1.1 and frame
 * cases, one reused node:http2 session for HTTP/2 requests (re-opened when a case kills it).
 * Never throws for anything the server does; every socket it opens is closed before it returns.
 */
export class HostileRunner {
  readonly #options: RunnerOptions;
  #session: ClientHttp2Session | undefined;

  constructor(options: RunnerOptions) {
    this.#options = options;
  }

  run(c: HostileCase): Promise<CaseOutcome> {
    switch (c.kind) {
      case "h1":
        return this.#http1(c);
      case "h2":
        return this.#http2(c);
      case "h2-frames":
        return this.#frames(c);
    }
  }

  /** Runs every case, `concurrency` at a time, and returns the outcomes in the cases' order. */
  async runAll(cases: readonly HostileCase[], concurrency = 8): Promise<CaseOutcome[]> {
    const outcomes: CaseOutcome[] = new Array(cases.length);
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        outcomes[index] = await this.run(cases[index] as HostileCase);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return outcomes;
  }

  close(): void {
    this.#session?.destroy();
    this.#session = undefined;
  }

  get #timeoutMs(): number {
    return this.#options.caseTimeoutMs ?? 2_000;
  }

  #http1(c: Http1Case): Promise<CaseOutcome> {
    const { host, port } = this.#options;
    return new Promise((resolve) => {
      const socket = connectTcp({ host, port });
      let received = Buffer.alloc(0);
      let done = false;
      const finish = (result: CaseOutcome["result"]) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve({ label: c.label, kind: c.kind, ...parseHttp1(received, result) });
      };
      // A server owes no answer to a request that is not whole: a short look is enough there.
      const waitMs = c.complete || c.gapMs > 0 ? this.#timeoutMs : Math.min(this.#timeoutMs, 150);
      const timer = setTimeout(() => finish("pending"), waitMs);
      socket.on("error", () => finish("closed"));
      socket.on("close", () => finish("closed"));
      socket.on("data", (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        // A case that resets ends by its reset, after the answer if one comes.
        if (c.reset !== true && http1ResponseComplete(received)) finish("answered");
      });
      void (async () => {
        for (const chunk of c.chunks) {
          if (done || socket.destroyed) return;
          socket.write(chunk);
          if (c.gapMs > 0) await sleep(c.gapMs);
        }
        if (c.reset === true) {
          // Once connected and the bytes are out, and the server has answered or had a moment
          // to: an RST, not a FIN, while the server may still be writing or waiting for our FIN.
          if (socket.connecting) await new Promise((resolve) => socket.once("connect", resolve));
          await Promise.race([new Promise((resolve) => socket.once("data", resolve)), sleep(30)]);
          if (!socket.destroyed) socket.resetAndDestroy();
          finish("closed");
        }
      })();
    });
  }

  #openSession(): ClientHttp2Session {
    if (this.#session === undefined || this.#session.closed || this.#session.destroyed) {
      const { host, port } = this.#options;
      const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
      const session = connectHttp2(`http://${authority}`);
      session.on("error", () => undefined);
      this.#session = session;
    }
    return this.#session;
  }

  #http2(c: Http2RequestCase): Promise<CaseOutcome> {
    return new Promise((resolve) => {
      let stream: ReturnType<ClientHttp2Session["request"]>;
      try {
        stream = this.#openSession().request({ ...c.headers });
      } catch {
        resolve({ label: c.label, kind: c.kind, result: "unsendable", body: "" });
        return;
      }
      let status: number | undefined;
      let grpcStatus: string | undefined;
      let grpcMessage: string | undefined;
      let contentType: string | undefined;
      let text = "";
      let done = false;
      const finish = (result: CaseOutcome["result"]) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
        resolve({
          label: c.label,
          kind: c.kind,
          result: status === undefined && result === "answered" ? "reset" : result,
          ...(status === undefined ? {} : { status }),
          ...(grpcStatus === undefined ? {} : { grpcStatus }),
          ...(grpcMessage === undefined ? {} : { grpcMessage }),
          ...(contentType === undefined ? {} : { contentType }),
          body: text,
        });
      };
      // A stream that answered and is still sending (server streaming) has answered.
      const timer = setTimeout(
        () => finish(status === undefined ? "pending" : "answered"),
        this.#timeoutMs,
      );
      stream.on("response", (headers) => {
        status = headers[":status"];
        contentType = headers["content-type"];
        grpcStatus = headers["grpc-status"] as string | undefined;
        grpcMessage = decodeGrpcMessage(headers["grpc-message"]);
      });
      stream.on("trailers", (trailers) => {
        grpcStatus = (trailers["grpc-status"] as string | undefined) ?? grpcStatus;
        grpcMessage = decodeGrpcMessage(trailers["grpc-message"]) ?? grpcMessage;
      });
      stream.on("data", (chunk: Buffer) => {
        if (text.length < bodyPreview) text += chunk.toString("latin1").slice(0, bodyPreview);
      });
      stream.on("error", () => undefined);
      stream.on("close", () => {
        const reset = stream.rstCode !== constants.NGHTTP2_NO_ERROR;
        finish(status !== undefined ? "answered" : reset ? "reset" : "closed");
      });
      if (c.reset) {
        stream.write(c.body.subarray(0, c.body.length >> 1), () => {
          if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
        });
      } else {
        stream.end(c.body);
      }
    });
  }

  #frames(c: Http2FramesCase): Promise<CaseOutcome> {
    const { host, port } = this.#options;
    return new Promise((resolve) => {
      const socket = connectTcp({ host, port });
      let done = false;
      const finish = (result: CaseOutcome["result"]) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve({ label: c.label, kind: c.kind, result, body: "" });
      };
      // Frames are fire-and-forget: a server may answer with GOAWAY and close, or ignore them.
      const timer = setTimeout(() => finish("pending"), Math.min(this.#timeoutMs, 150));
      socket.on("error", () => finish("closed"));
      socket.on("close", () => finish("closed"));
      socket.resume();
      socket.write(c.bytes);
    });
  }
}

function headerEnd(bytes: Buffer): number {
  return bytes.indexOf("\r\n\r\n");
}

/** Whether a whole HTTP/1.1 response (status, headers and a body of known length) arrived. */
function http1ResponseComplete(bytes: Buffer): boolean {
  const end = headerEnd(bytes);
  if (end < 0) return false;
  const head = bytes.subarray(0, end).toString("latin1").toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length !== null) return bytes.length - end - 4 >= Number(length[1]);
  if (head.includes("transfer-encoding: chunked")) return bytes.includes("\r\n0\r\n\r\n", end);
  return false;
}

/** The body of a response, de-chunked when it was sent chunked. */
function responseBody(head: string, raw: Buffer): Buffer {
  if (!/\r\ntransfer-encoding: *chunked/i.test(head)) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseHttp1(
  bytes: Buffer,
  result: CaseOutcome["result"],
): Omit<CaseOutcome, "label" | "kind"> {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.subarray(0, 16).toString("latin1"));
  if (match === null) return { result: result === "answered" ? "closed" : result, body: "" };
  const end = headerEnd(bytes);
  const head = end < 0 ? "" : bytes.subarray(0, end).toString("latin1");
  const type = /\r\ncontent-type: *([^\r\n]*)/i.exec(head)?.[1];
  // gRPC-Web carries its status in a trailer frame of the body; gRPC over HTTP/1.1 in headers.
  const text = bytes.toString("latin1");
  const grpc = /grpc-status: *(\d+)/i.exec(text)?.[1];
  const grpcMessage = /grpc-message: *([^\r\n]*)/i.exec(text)?.[1];
  return {
    result: "answered",
    status: Number(match[1]),
    ...(type === undefined ? {} : { contentType: type }),
    ...(grpc === undefined ? {} : { grpcStatus: grpc }),
    ...(grpcMessage === undefined ? {} : { grpcMessage: decodeURIComponentSafe(grpcMessage) }),
    body:
      end < 0
        ? ""
        : responseBody(head, bytes.subarray(end + 4))
            .subarray(0, bodyPreview)
            .toString("latin1"),
  };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function decodeGrpcMessage(value: unknown): string | undefined {
  return typeof value === "string" ? decodeURIComponentSafe(value) : undefined;
}
