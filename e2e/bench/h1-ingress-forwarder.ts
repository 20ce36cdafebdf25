import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";
import { endToEndHeaders, Http2Upstream } from "./h2-upstream.js";

/**
 * The forwarder chain's first hop, in the proxy's place: an HTTP/1.1 server whose every request
 * goes on as one stream of an HTTP/2 session to the next hop; bodies are piped, never decoded.
 * `h1-ingress-forwarder.ts <upstream host:port>`; prints its port.
 */
const upstream = new Http2Upstream(upstreamFromArgs());

const server = createServer((req, res) => {
  const stream = upstream.session().request({
    ...endToEndHeaders(req.headers),
    ":method": req.method ?? "GET",
    ":path": req.url ?? "/",
  });
  stream.on("response", (head) => {
    res.writeHead(Number(head[":status"]), endToEndHeaders(head));
    stream.pipe(res);
  });
  stream.on("error", (error) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end(`upstream failed: ${error.message}`);
  });
  req.pipe(stream);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => announceListening((server.address() as AddressInfo).port));
