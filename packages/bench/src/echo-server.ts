import { createServer, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { announceListening } from "./bench-child.js";
import { grpcFrame } from "./grpc-frame.js";
import { benchResponse, runLambdaPath } from "./lambda-messages.js";

/**
 * A null computer, the upstream of every hop (start it with `echoServerScript`): answers each
 * RunLambda with the same pre-encoded LambdaResponse and decodes nothing, so it shares a core with
 * the load client without becoming the bottleneck.
 */
const body = grpcFrame(benchResponse());
const okHead = { ":status": 200, "content-type": "application/grpc+proto" };
const okTrailers = { "grpc-status": "0" };

const server = createServer();
server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
  stream.on("error", () => {
    // A reset by the client ends only this stream; the bench counts errors on its side.
  });
  if (headers[":path"] !== runLambdaPath) {
    stream.respond(
      { ...okHead, "grpc-status": "12", "grpc-message": "unknown method" },
      { endStream: true },
    );
    return;
  }
  stream.on("end", () => {
    stream.respond(okHead, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers(okTrailers));
    stream.end(body);
  });
  // The request body is not looked at, only drained.
  stream.resume();
});
server.listen(0, "127.0.0.1", () => announceListening((server.address() as AddressInfo).port));
