import type { IncomingHttpHeaders } from "node:http2";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { EdgeComputer, EdgeServer } from "@soe/proto";
import { afterEach, describe, expect, it } from "vitest";
import { encodeEnvelope } from "./grpc-envelope.js";
import { createGrpcTransport, type GrpcTransportOptions } from "./grpc-transport.js";
import { Http2SessionPool } from "./http2-session-pool.js";
import { lambdaEcho, type RawHandler, startRawH2Server } from "../test/raw-h2.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A raw HTTP/2 server answering with `handler`, and a lean gRPC transport to it. */
async function transportTo(
  handler: RawHandler,
  options: Partial<GrpcTransportOptions> = {},
): Promise<{ transport: Transport; streams: IncomingHttpHeaders[] }> {
  const h2 = await startRawH2Server(handler);
  const sessions = new Http2SessionPool(h2.authority);
  cleanups.push(() => h2.close());
  cleanups.push(() => sessions.close());
  return { transport: createGrpcTransport({ sessions, ...options }), streams: h2.streams };
}

describe("createGrpcTransport", () => {
  it("carries a unary call as gRPC and decodes the answer, header and trailer", async () => {
    const { transport } = await transportTo(lambdaEcho);
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const reply = await createClient(EdgeServer, transport).runLambda(
      { name: "echo", input: "abc" },
      {
        onHeader: (h) => {
          header = h;
        },
        onTrailer: (t) => {
          trailer = t;
        },
      },
    );
    expect(reply.output).toBe("ABC");
    expect(header?.get("x-resp")).toBe("h");
    expect(trailer?.get("x-trail")).toBe("t");
  });

  it("sends the protocol's headers, its own and the caller's, but no caller protocol header", async () => {
    const { transport, streams } = await transportTo(lambdaEcho, {
      defaultTimeoutMs: 1_500,
      headers: { authorization: "Bearer s3cret" },
    });
    await createClient(EdgeServer, transport).runLambda(
      { name: "echo" },
      { headers: { "x-req": "r", "content-type": "text/plain", te: "gzip" } },
    );
    const [sent] = streams;
    expect(sent?.[":path"]).toBe("/uiiit.rpc.EdgeServer/RunLambda");
    expect(sent?.["content-type"]).toBe("application/grpc+proto");
    expect(sent?.te).toBe("trailers");
    expect(sent?.["grpc-timeout"]).toBe("1500m");
    expect(sent?.["user-agent"]).toMatch(/^soe-runtime\//);
    expect(sent?.authorization).toBe("Bearer s3cret");
    expect(sent?.["x-req"]).toBe("r");
  });

  it("refuses a request larger than the write limit without sending it", async () => {
    const { transport, streams } = await transportTo(lambdaEcho, { writeMaxBytes: 64 });
    const error = await createClient(EdgeServer, transport)
      .runLambda({ name: "echo", input: "x".repeat(200) })
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.ResourceExhausted });
    expect(streams).toHaveLength(0);
  });

  it("fails a response that does not decode as the method's output", async () => {
    const { transport } = await transportTo((stream) => {
      stream.respond(
        { ":status": 200, "content-type": "application/grpc" },
        { waitForTrailers: true },
      );
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(encodeEnvelope(Buffer.from([0xff, 0xff, 0xff])));
    });
    const error = await createClient(EdgeServer, transport)
      .runLambda({ name: "echo" })
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.Internal });
    expect((error as ConnectError).rawMessage).toMatch(/^failed to decode response/);
  });

  it("cancels at once a call whose signal was aborted before it started", async () => {
    const { transport, streams } = await transportTo(lambdaEcho);
    const abort = new AbortController();
    abort.abort();
    const error = await createClient(EdgeServer, transport)
      .runLambda({ name: "echo" }, { signal: abort.signal })
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.Canceled });
    expect(streams).toHaveLength(0);
  });

  it("hands streaming methods to the streaming transport, or says it has none", async () => {
    const { transport: lean } = await transportTo(lambdaEcho);
    const none = await (async () => {
      for await (const _ of createClient(EdgeComputer, lean).streamUtil({})) break;
    })().catch((e: unknown) => ConnectError.from(e));
    expect(none).toMatchObject({ code: Code.Unimplemented });

    const delegated: string[] = [];
    const streaming = {
      unary: () => Promise.reject(new Error("not used")),
      stream: (method: { name: string }) => {
        delegated.push(method.name);
        return Promise.reject(new ConnectError("delegate reached", Code.Aborted));
      },
    } as unknown as Transport;
    const { transport } = await transportTo(lambdaEcho, { streaming });
    const error = await (async () => {
      for await (const _ of createClient(EdgeComputer, transport).streamUtil({})) break;
    })().catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.Aborted });
    expect(delegated).toEqual(["StreamUtil"]);
  });
});
