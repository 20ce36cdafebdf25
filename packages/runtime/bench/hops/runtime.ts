import { createClient } from "@connectrpc/connect";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";
import { EdgeServer } from "@soe/proto";
import { serve, TransportPool } from "@soe/runtime";

/** The hop under test: a router's data path on @soe/runtime (decode, forward, return). */
const upstream = upstreamFromArgs();
const pool = new TransportPool();

const server = await serve({
  name: "bench-hop",
  endpoint: "127.0.0.1:0",
  routes: (router) =>
    router.service(EdgeServer, {
      // A router picks the destination per call, so the pool lookup and client are per call too.
      runLambda: (request) => createClient(EdgeServer, pool.get(upstream)).runLambda(request),
    }),
});
announceListening(server.port);
