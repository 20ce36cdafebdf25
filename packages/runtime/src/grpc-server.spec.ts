import { connect, createServer, type Http2Server, type IncomingHttpHeaders } from "node:http2";
import {
  Code,
  ConnectError,
  createClient,
  createConnectRouter,
  type Interceptor,
} from "@connectrpc/connect";
import { EdgeServer, type LambdaRequest } from "@soe/proto";
import { afterEach, describe, expect, it } from "vitest";
import { encodeEnvelope } from "./grpc-envelope.js";
import type { LeanHandlerContext } from "./grpc-handler-context.js";
import {
  createGrpcUnaryHandler,
  type GrpcUnaryHandlerOptions,
  isLeanGrpcRequest,
} from "./grpc-server.js";
import { createGrpcTransport } from "./grpc-transport.js";
import { Http2SessionPool } from "./http2-session-pool.js";
import type { RpcMetrics } from "./metrics.js";
import { recordRoutes } from "./service-registry.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type RunLambda = (request: LambdaRequest, context: LeanHandlerContext) => unknown;

/** An HTTP/2 server on loopback port 0 whose every stream goes to the lean unary handler. */
async function serveLean(runLambda: RunLambda, options: Partial<GrpcUnaryHandlerOptions> = {}) {
  const routes = recordRoutes(createConnectRouter(), (router) =>
    router.service(EdgeServer, { runLambda: runLambda as never }),
  );
  const recorded: string[] = [];
  const internal: string[] = [];
  const handle = createGrpcUnaryHandler({
    routes,
    interceptors: [],
    metrics: { record: (procedure, code) => recorded.push(`${procedure} ${code}`) } as RpcMetrics,
    readMaxBytes: 1024,
    writeMaxBytes: 1024,
    maxTimeoutMs: 60_000,
    onInternalError: (error, procedure) => internal.push(`${procedure}: ${String(error)}`),
    ...options,
  });
  const server: Http2Server = createServer();
  server.on("stream", handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const authority = `http://127.0.0.1:${address.port}`;
  const sessions = new Http2SessionPool(authority);
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  cleanups.push(() => sessions.close());
  const client = createClient(EdgeServer, createGrpcTransport({ sessions }));
  return { client, authority, recorded, internal };
}

const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );

describe("createGrpcUnaryHandler", () => {
  it("serves a unary call with the handler's headers and trailers, and records it", async () => {
    const { client, recorded } = await serveLean((request, context) => {
      context.responseHeader.set("x-resp", "h");
      context.responseTrailer.set("x-trail", "t");
      return { retcode: "OK", output: request.input.toUpperCase() };
    });
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const reply = await client.runLambda(
      { input: "abc" },
      { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) },
    );
    expect(reply.output).toBe("ABC");
    expect(header?.get("x-resp")).toBe("h");
    expect(trailer?.get("x-trail")).toBe("t");
    expect(recorded).toEqual(["/uiiit.rpc.EdgeServer/RunLambda ok"]);
  });

  it("keeps a handler's ConnectError, metadata included", async () => {
    const { client, internal, recorded } = await serveLean(() => {
      throw new ConnectError("refused", Code.InvalidArgument, { "x-why": "because" });
    });
    const error = await failure(client.runLambda({}));
    expect(error).toMatchObject({ code: Code.InvalidArgument, rawMessage: "refused" });
    expect(error?.metadata.get("x-why")).toBe("because");
    expect(internal).toEqual([]);
    expect(recorded).toEqual(["/uiiit.rpc.EdgeServer/RunLambda invalid_argument"]);
  });

  it("turns a handler's own exception into Internal and reports it once", async () => {
    const { client, internal } = await serveLean(async () => {
      throw new TypeError("bug");
    });
    expect(await failure(client.runLambda({}))).toMatchObject({ code: Code.Internal });
    expect(internal).toEqual(["/uiiit.rpc.EdgeServer/RunLambda: TypeError: bug"]);
  });

  it("refuses a request and a response larger than their limits", async () => {
    const { client } = await serveLean((request) => ({ output: request.input.repeat(10) }), {
      readMaxBytes: 100,
      writeMaxBytes: 100,
    });
    expect(await failure(client.runLambda({ input: "x".repeat(200) }))).toMatchObject({
      code: Code.ResourceExhausted,
    });
    expect(await failure(client.runLambda({ input: "x".repeat(20) }))).toMatchObject({
      code: Code.ResourceExhausted,
    });
    expect((await client.runLambda({ input: "x" })).output).toBe("x".repeat(10));
  });

  it("ends a call at the client's deadline and aborts the handler's signal", async () => {
    let aborted: Promise<unknown> | undefined;
    const { authority, recorded } = await serveLean((_request, context) => {
      aborted = new Promise((resolve) => context.signal.addEventListener("abort", resolve));
      return new Promise(() => {});
    });
    // A raw client that sends grpc-timeout but never cancels: the server alone ends the call
    // (a client that also keeps the deadline races the server to it: canceled or deadline).
    const session = connect(authority);
    cleanups.push(() => session.close());
    const trailers = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": "/uiiit.rpc.EdgeServer/RunLambda",
        "content-type": "application/grpc",
        "grpc-timeout": "50m",
        te: "trailers",
      });
      stream.on("response", (head) => {
        if (head["grpc-status"] !== undefined) resolve(head);
      });
      stream.on("trailers", resolve);
      stream.on("error", reject);
      stream.resume();
      stream.end(encodeEnvelope(new Uint8Array()));
    });
    expect(trailers["grpc-status"]).toBe(String(Code.DeadlineExceeded));
    await aborted;
    expect(recorded).toEqual(["/uiiit.rpc.EdgeServer/RunLambda deadline_exceeded"]);
  });

  it("runs the interceptors around the handler", async () => {
    const needsToken: Interceptor = (next) => (request) => {
      if (request.header.get("authorization") !== "Bearer s3cret") {
        throw new ConnectError("no token", Code.Unauthenticated);
      }
      return next(request);
    };
    const { client } = await serveLean(() => ({ output: "in" }), { interceptors: [needsToken] });
    expect(await failure(client.runLambda({}))).toMatchObject({ code: Code.Unauthenticated });
    const reply = await client.runLambda({}, { headers: { authorization: "Bearer s3cret" } });
    expect(reply.output).toBe("in");
  });

  it("answers a compressed request with Unimplemented: it accepts identity only", async () => {
    const { authority } = await serveLean(() => ({}));
    const session = connect(authority);
    cleanups.push(() => session.close());
    const head = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": "/uiiit.rpc.EdgeServer/RunLambda",
        "content-type": "application/grpc",
        "grpc-encoding": "gzip",
        te: "trailers",
      });
      stream.on("response", resolve);
      stream.on("error", reject);
      stream.end(encodeEnvelope(new Uint8Array()));
    });
    expect(head["grpc-status"]).toBe(String(Code.Unimplemented));
  });
});

describe("isLeanGrpcRequest", () => {
  const routes = recordRoutes(createConnectRouter(), (router) =>
    router.service(EdgeServer, { runLambda: async () => ({}) }),
  );
  const request = (headers: IncomingHttpHeaders) =>
    isLeanGrpcRequest(
      {
        ":method": "POST",
        ":path": "/uiiit.rpc.EdgeServer/RunLambda",
        "content-type": "application/grpc",
        ...headers,
      },
      routes,
    );

  it("takes unary gRPC in protobuf to a registered method", () => {
    expect(request({})).toBe(true);
    expect(request({ "content-type": "application/grpc+proto" })).toBe(true);
  });

  it("leaves everything else to connect-node", () => {
    expect(request({ "content-type": "application/grpc-web+proto" })).toBe(false);
    expect(request({ "content-type": "application/grpc+json" })).toBe(false);
    expect(request({ "content-type": "application/proto" })).toBe(false);
    expect(request({ ":method": "GET" })).toBe(false);
    expect(request({ ":path": "/uiiit.rpc.EdgeServer/Unknown" })).toBe(false);
  });
});
