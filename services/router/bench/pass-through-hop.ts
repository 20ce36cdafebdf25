import { createClient } from "@connectrpc/connect";
import { announceListening, upstreamFromArgs } from "@soe/bench/child";
import { EdgeServer } from "@soe/proto";
import { serve, TransportPool } from "@soe/runtime";

/**
 * The router's data path without the router: decode, forward to one fixed upstream, return, on
 * @soe/runtime as the router uses it (bench:hop's `runtime` hop). What the router costs beyond
 * it is its own work: table, health, limiter, retry budget, optimizer.
 */
const upstream = upstreamFromArgs();
const pool = new TransportPool();

const server = await serve({
  name: "bench-pass-through",
  endpoint: "127.0.0.1:0",
  routes: (router) =>
    router.service(EdgeServer, {
      // Per call, as the router does: the pool lookup and client are per call too.
      runLambda: (request) => createClient(EdgeServer, pool.get(upstream)).runLambda(request),
    }),
});
announceListening(server.port);
