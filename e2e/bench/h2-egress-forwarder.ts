import { Agent, request } from "node:http";
import { createServer, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";
import { endToEndHeaders } from "./h2-upstream.js";

/**
 * The forwarder chain's last hop, in the wsk-computer's place: each HTTP/2 stream becomes one
 * HTTP/1.1 request to OpenWhisk over keep-alive connections; bodies piped, never decoded.
 * `h2-egress-forwarder.ts <OpenWhisk host:port>`; prints its port.
 */
const [host, port] = upstreamFromArgs().split(":") as [string, string];
const agent = new Agent({ keepAlive: true, maxSockets: 256, noDelay: true });

const server = createServer();
server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
  stream.on("error", () => {
    // A reset by the client ends this stream only.
  });
  const req = request(
    {
      host,
      port: Number(port),
      method: headers[":method"] ?? "GET",
      path: headers[":path"] ?? "/",
      headers: endToEndHeaders(headers),
      agent,
    },
    (res) => {
      stream.respond({ ...endToEndHeaders(res.headers), ":status": res.statusCode ?? 502 });
      res.pipe(stream);
    },
  );
  req.on("error", (error) => {
    if (!stream.headersSent) stream.respond({ ":status": 502, "content-type": "text/plain" });
    stream.end(`upstream failed: ${error.message}`);
  });
  stream.pipe(req);
});
server.listen(0, "127.0.0.1", () => announceListening((server.address() as AddressInfo).port));
