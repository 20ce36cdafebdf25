import { createClient } from "@connectrpc/connect";
import { EdgeServer } from "@soe/proto";
import { serve, TransportPool } from "@soe/runtime";
import { announceListening, upstreamFromArgs } from "../bench-child.js";

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
