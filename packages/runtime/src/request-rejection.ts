import { randomBytes } from "node:crypto";
import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import type { Duplex } from "node:stream";

/**
 * The JSON error every port answers to a request it cannot serve at all (broken framing, a bad
 * authority, a request too slow to arrive): `{error, code}` with a request id, shaped like the
 * errors of the HTTP routes, so a client always gets a body it can parse.
 */
export interface RejectionBody {
  readonly status: number;
  readonly requestId: string;
  readonly body: string;
}

export function rejectionBody(status: number, message: string): RejectionBody {
  const requestId = randomBytes(16).toString("hex");
  return { status, requestId, body: JSON.stringify({ error: message, code: requestId }) };
}

/** Which status and text Node's HTTP parser errors get (`clientError` codes). */
export function statusForParserError(code: string | undefined): {
  readonly status: number;
  readonly message: string;
} {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, message: "Request headers are too large." };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, message: "Request timed out." };
    default:
      return { status: 400, message: "Malformed HTTP request." };
  }
}

/**
 * Requests Node's HTTP parser rejects never reach the routes; they still get the JSON error, on
 * the raw socket, and the connection is closed (its framing can no longer be trusted).
 */
export function answerMalformedRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node leaves a no-op error listener on sockets it reports here; keep one whatever it does.
  if (socket.listenerCount("error") === 0) socket.on("error", () => socket.destroy());
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, message } = statusForParserError(error.code);
  const rejection = rejectionBody(status, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(rejection.body)}\r\nx-request-id: ${rejection.requestId}\r\n` +
      `connection: close\r\n\r\n${rejection.body}`,
  );
}

/** The same error as a fetch `Response`, for hono when it cannot build a Request at all. */
export function rejectionResponse(status: number, message: string): Response {
  const rejection = rejectionBody(status, message);
  return new Response(rejection.body, {
    status,
    headers: { "content-type": "application/json", "x-request-id": rejection.requestId },
  });
}

/**
 * `CONNECT` asks a server to become a tunnel, which none of ours is: 405 and close (Node would
 * otherwise drop the connection without a word).
 */
export function answerConnectMethod(socket: Duplex): void {
  // Node hands a CONNECT socket over with none of its own listeners: a client resetting it now
  // would raise an 'error' nobody handles and kill the process.
  socket.on("error", () => socket.destroy());
  const rejection = rejectionBody(405, "The CONNECT method is not supported.");
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(rejection.body)}\r\nx-request-id: ${rejection.requestId}\r\n` +
      `connection: close\r\n\r\n${rejection.body}`,
  );
}

/** Answers a parsed request that cannot be served (HTTP/1.1 or HTTP/2 compatibility response). */
export function rejectRequest(
  res: ServerResponse | Http2ServerResponse,
  status: number,
  message: string,
): void {
  const rejection = rejectionBody(status, message);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(rejection.body),
    "x-request-id": rejection.requestId,
  });
  res.end(rejection.body);
}
