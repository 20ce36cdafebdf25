import { encodeMessage } from "./protobuf-wire.js";

/**
 * The messages every bench sends and answers: `uiiit.rpc.EdgeServer/RunLambda` with a small
 * request and a small successful response (field numbers of uiiit/rpc/edgeserver.proto).
 */
export const runLambdaPath = "/uiiit.rpc.EdgeServer/RunLambda";

/** The lambda every bench request names. */
export const benchLambda = "clambda0";

/** The request every call sends: 110 bytes encoded, the size DESIGN §8 was measured with. */
export function benchRequest(): Uint8Array {
  // LambdaRequest: name = 1, input = 2.
  return encodeMessage([
    [1, benchLambda],
    [2, "x".repeat(98)],
  ]);
}

/** The echo server's fixed answer: 60 bytes encoded, a small successful lambda response. */
export function benchResponse(): Uint8Array {
  // LambdaResponse: retcode = 1, output = 2, responder = 3, ptime = 4, load1 = 6, hops = 9.
  return encodeMessage([
    [1, "OK"],
    [2, "y".repeat(31)],
    [3, "127.0.0.1:50051"],
    [4, 1],
    [6, 3],
    [9, 1],
  ]);
}
