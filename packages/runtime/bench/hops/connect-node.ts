import { createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";
import { EdgeServer } from "@soe/proto";

/** What @soe/runtime replaces on the data plane: connect-node speaking gRPC both ways (DESIGN §8). */
const upstream = upstreamFromArgs();
const transport = createGrpcTransport({ baseUrl: `http://${upstream}` });

const server = createServer(
  connectNodeAdapter({
    routes: (router) =>
      router.service(EdgeServer, {
        // Per call, as in the runtime hop, so both pay for the same client construction.
        runLambda: (request) => createClient(EdgeServer, transport).runLambda(request),
      }),
  }),
);
server.listen(0, "127.0.0.1", () => announceListening((server.address() as AddressInfo).port));
