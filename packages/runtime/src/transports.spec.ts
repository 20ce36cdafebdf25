import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { EdgeServer, LambdaRequestSchema, LambdaResponseSchema } from "@soe/proto";
import { eventually } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { lambdaEcho, type RawHandler, type RawH2Server, startRawH2Server } from "../test/raw-h2.js";
import { createTransport, TransportPool } from "./transports.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(handler: RawHandler = lambdaEcho): Promise<RawH2Server> {
  const started = await startRawH2Server(handler);
  cleanups.push(() => started.close());
  return started;
}

/** Answers RunLambda in the Connect protocol's unary form (no envelope, no trailers). */
const connectEcho: RawHandler = (stream, _headers, body) => {
  const request = fromBinary(LambdaRequestSchema, body);
  stream.respond({ ":status": 200, "content-type": "application/proto" });
  stream.end(
    toBinary(LambdaResponseSchema, create(LambdaResponseSchema, { output: `${request.input}!` })),
  );
};

describe("createTransport", () => {
  it("speaks gRPC over one HTTP/2 session by default, with the token as a bearer header", async () => {
    const peer = await server();
    const transport = createTransport(peer.endpoint, { token: "s3cret" });
    cleanups.push(() => transport.close());
    const client = createClient(EdgeServer, transport);
    expect((await client.runLambda({ input: "a" })).output).toBe("A");
    expect((await client.runLambda({ input: "b" })).output).toBe("B");
    expect(transport.endpoint).toBe(peer.endpoint);
    expect(peer.sessions).toHaveLength(1);
    expect(peer.streams.map((h) => h["content-type"])).toEqual([
      "application/grpc+proto",
      "application/grpc+proto",
    ]);
    expect(peer.streams[0]?.authorization).toBe("Bearer s3cret");
  });

  it("speaks the Connect protocol when asked", async () => {
    const peer = await server(connectEcho);
    const transport = createTransport(peer.endpoint, { protocol: "connect", token: "s3cret" });
    cleanups.push(() => transport.close());
    const reply = await createClient(EdgeServer, transport).runLambda({ input: "hi" });
    expect(reply.output).toBe("hi!");
    expect(peer.streams[0]?.["content-type"]).toBe("application/proto");
    expect(peer.streams[0]?.[":path"]).toBe("/uiiit.rpc.EdgeServer/RunLambda");
    expect(peer.streams[0]?.authorization).toBe("Bearer s3cret");
  });

  it("ends its session on close", async () => {
    const peer = await server();
    const transport = createTransport(peer.endpoint);
    await createClient(EdgeServer, transport).runLambda({ input: "a" });
    transport.close();
    await eventually(
      () => peer.sessions[0]?.closed === true || peer.sessions[0]?.destroyed === true,
    );
  });
});

describe("TransportPool", () => {
  it("keeps one transport per end-point, and forgets one on delete", async () => {
    const [a, b] = [await server(), await server()];
    const pool = new TransportPool();
    cleanups.push(() => pool.close());
    expect(pool.get(a.endpoint)).toBe(pool.get(a.endpoint));
    expect(pool.get(b.endpoint)).not.toBe(pool.get(a.endpoint));
    const first = pool.get(a.endpoint);
    await createClient(EdgeServer, first).runLambda({ input: "x" });
    pool.delete(a.endpoint);
    await eventually(() => a.sessions[0]?.closed === true || a.sessions[0]?.destroyed === true);
    expect(pool.get(a.endpoint)).not.toBe(first);
  });

  it("gives every transport the pool's options", async () => {
    const peer = await server();
    const pool = new TransportPool({ token: "t0ken", defaultTimeoutMs: 2_000 });
    cleanups.push(() => pool.close());
    await createClient(EdgeServer, pool.get(peer.endpoint)).runLambda({ input: "x" });
    expect(peer.streams[0]?.authorization).toBe("Bearer t0ken");
    expect(peer.streams[0]?.["grpc-timeout"]).toBe("2000m");
  });
});
