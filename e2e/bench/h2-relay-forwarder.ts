import { createServer, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";
import { endToEndHeaders, Http2Upstream } from "./h2-upstream.js";

/**
 * The forwarder chain's middle hop, in the router's place: each HTTP/2 stream goes on as one
 * stream of a session to the next hop, on core streams (no compatibility layer); bodies piped.
 * `h2-relay-forwarder.ts <upstream host:port>`; prints its port.
 */
const upstream = new Http2Upstream(upstreamFromArgs());

const server = createServer();
server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
  stream.on("error", () => {
    // A reset by the client ends this stream only.
  });
  const next = upstream.session().request({
    ...endToEndHeaders(headers),
    ":method": headers[":method"] ?? "GET",
    ":path": headers[":path"] ?? "/",
  });
  next.on("response", (head) => {
    stream.respond({ ...endToEndHeaders(head), ":status": Number(head[":status"]) });
    next.pipe(stream);
  });
  next.on("error", (error) => {
    if (!stream.headersSent) stream.respond({ ":status": 502, "content-type": "text/plain" });
    stream.end(`upstream failed: ${error.message}`);
  });
  stream.pipe(next);
});
server.listen(0, "127.0.0.1", () => announceListening((server.address() as AddressInfo).port));
