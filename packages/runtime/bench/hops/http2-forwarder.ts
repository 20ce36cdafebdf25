import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  createServer,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";

/**
 * The floor in Node (DESIGN §8): each incoming stream is copied onto a stream of one long-lived
 * upstream session, bytes, headers and trailers as they are, nothing decoded.
 */
const upstream = upstreamFromArgs();
let session: ClientHttp2Session | undefined;

function upstreamSession(): ClientHttp2Session {
  if (session === undefined || session.closed || session.destroyed) {
    const opened = connect(`http://${upstream}`);
    opened.on("error", () => {
      // Its streams fail with it and answer UNAVAILABLE; the next call reconnects.
    });
    opened.on("close", () => {
      if (session === opened) session = undefined;
    });
    session = opened;
  }
  return session;
}

function withoutPseudoHeaders(head: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const key in head) if (key.charCodeAt(0) !== 58) out[key] = head[key];
  return out;
}

function unavailable(down: ServerHttp2Stream, why: string): void {
  if (down.headersSent || down.destroyed) {
    down.close(constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  down.respond(
    {
      ":status": 200,
      "content-type": "application/grpc",
      "grpc-status": "14",
      "grpc-message": encodeURIComponent(why),
    },
    { endStream: true },
  );
}

const server = createServer();
server.on("stream", (down: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
  down.on("error", () => {
    // A client reset; the upstream stream is cancelled on "close".
  });
  let up: ClientHttp2Stream;
  try {
    up = upstreamSession().request({
      ":method": "POST",
      ":path": headers[":path"],
      "content-type": headers["content-type"],
      te: "trailers",
    });
  } catch (error) {
    unavailable(down, String(error));
    return;
  }
  let trailers: IncomingHttpHeaders | undefined;
  let trailersOnly = false;
  let answered = false;

  down.on("data", (chunk: Buffer) => up.write(chunk));
  down.on("end", () => up.end());
  down.on("close", () => {
    if (!up.closed) up.close(constants.NGHTTP2_CANCEL);
  });
  down.on("wantTrailers", () =>
    down.sendTrailers(
      trailers === undefined
        ? { "grpc-status": "14", "grpc-message": "upstream%20sent%20no%20trailers" }
        : withoutPseudoHeaders(trailers),
    ),
  );

  up.on("response", (head, flags) => {
    answered = true;
    const out = withoutPseudoHeaders(head);
    out[":status"] = head[":status"];
    trailersOnly = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    down.respond(out, trailersOnly ? { endStream: true } : { waitForTrailers: true });
  });
  up.on("data", (chunk: Buffer) => down.write(chunk));
  up.on("trailers", (tail) => {
    trailers = tail;
  });
  up.on("end", () => {
    if (!trailersOnly && !down.destroyed) down.end();
  });
  up.on("error", () => {
    // Reported on "close" below.
  });
  up.on("close", () => {
    if (down.destroyed) return;
    if (!answered) unavailable(down, `upstream closed (rst ${up.rstCode})`);
    // Reset mid-response: the client must see the call fail, not wait for an end.
    else if (!up.readableEnded) down.close(constants.NGHTTP2_INTERNAL_ERROR);
  });
});
server.listen(0, "127.0.0.1", () => announceListening((server.address() as AddressInfo).port));
