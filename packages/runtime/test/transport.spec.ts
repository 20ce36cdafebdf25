import { createServer as createHttp2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { EdgeController, EdgeServer } from "@soe/proto";
import { afterEach, describe, expect, test } from "vitest";
import { controlAuthInterceptor } from "../src/control-auth.js";
import { type RunningServer, serve } from "../src/serve.js";
import { parseEndpoint } from "../src/endpoint.js";
import { requestNotSent } from "../src/request-not-sent.js";
import { createTransport, type EndpointTransport, TransportPool } from "../src/transports.js";
import { grpc, loadUiiitRpc, makeTestCerts } from "@soe/testing";
import { runLambda, testRoutes } from "./fixtures.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<Parameters<typeof serve>[0]> = {}): Promise<RunningServer> {
  const server = await serve({ name: "test", routes: testRoutes, ...options });
  cleanups.push(() => server.close());
  return server;
}

function transportTo(endpoint: string, options: Parameters<typeof createTransport>[1] = {}) {
  const transport = createTransport(endpoint, options);
  cleanups.push(() => transport.close());
  return transport;
}

describe("runtime gRPC transport", () => {
  test("survives a peer restart on the same port", async () => {
    const first = await serve({ name: "test", routes: testRoutes, endpoint: "127.0.0.1:0" });
    const transport = transportTo(first.endpoint);
    const client = createClient(EdgeServer, transport);
    expect((await client.runLambda({ name: "echo", input: "a" })).output).toBe("A");
    await first.close();
    const second = await start({ endpoint: first.endpoint });
    expect((await client.runLambda({ name: "echo", input: "b" })).output).toBe("B");
    expect(second.port).toBe(first.port);
  });

  test("an unreachable peer is Unavailable, not a hang", async () => {
    const gone = await serve({ name: "test", routes: testRoutes });
    await gone.close();
    const client = createClient(EdgeServer, transportTo(gone.endpoint));
    const error = await client.runLambda({ name: "echo" }).catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.Unavailable);
    expect(requestNotSent(error)).toBe(true);
  });

  test("a peer that dies mid-call is Unavailable and maybe-sent", async () => {
    const h2 = createHttp2Server();
    h2.on("stream", (stream) => stream.session?.destroy());
    await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => h2.close(resolve)));
    const { port } = h2.address() as AddressInfo;
    const client = createClient(EdgeServer, transportTo(`127.0.0.1:${port}`));
    const error = await client.runLambda({ name: "echo" }).catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.Unavailable);
    expect(requestNotSent(error)).toBe(false);
  });

  test("an aborted signal cancels the call", async () => {
    const server = await start();
    const client = createClient(EdgeServer, transportTo(server.endpoint));
    const controller = new AbortController();
    const pending = client.runLambda(
      { name: "slow", input: "5000" },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.Canceled);
  });

  test("a response over the client's read limit is ResourceExhausted", async () => {
    const server = await start();
    const client = createClient(EdgeServer, transportTo(server.endpoint, { readMaxBytes: 1024 }));
    const error = await client
      .runLambda({ name: "echo", input: "y".repeat(10_000) })
      .catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.ResourceExhausted);
  });

  test("calls a stock @grpc/grpc-js server", async () => {
    const rpc = loadUiiitRpc();
    const grpcServer = new grpc.Server();
    const service = (rpc.EdgeServer as grpc.ServiceClientConstructor).service;
    grpcServer.addService(service, {
      RunLambda(
        call: grpc.ServerUnaryCall<{ name: string; input: string; hops: number }, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) {
        const { name, input, hops } = call.request;
        if (name === "fail") {
          const metadata = new grpc.Metadata();
          metadata.set("x-why", "because");
          callback({ code: grpc.status.NOT_FOUND, details: "no such lambda", metadata });
          return;
        }
        if (name === "slow") {
          setTimeout(() => callback(null, { retcode: "OK" }), 2_000);
          return;
        }
        const header = new grpc.Metadata();
        header.set("x-resp", call.metadata.get("x-req")[0]?.toString() ?? "");
        call.sendMetadata(header);
        callback(null, { retcode: "OK", output: input.toUpperCase(), hops: hops + 1 });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    cleanups.push(() => grpcServer.forceShutdown());
    const client = createClient(EdgeServer, transportTo(`127.0.0.1:${port}`));

    let header: Headers | undefined;
    const res = await client.runLambda(
      { name: "echo", input: "grpc", hops: 4 },
      { headers: { "x-req": "r1" }, onHeader: (h) => (header = h) },
    );
    expect(res.output).toBe("GRPC");
    expect(res.hops).toBe(5);
    expect(header?.get("x-resp")).toBe("r1");

    const error = ConnectError.from(await client.runLambda({ name: "fail" }).catch((e) => e));
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toBe("no such lambda");
    expect(error.metadata.get("x-why")).toBe("because");

    const late = ConnectError.from(
      await client.runLambda({ name: "slow" }, { timeoutMs: 100 }).catch((e) => e),
    );
    expect(late.code).toBe(Code.DeadlineExceeded);
  });

  test("calls a plain connect-node gRPC server", async () => {
    const h2 = createHttp2Server(
      connectNodeAdapter({ routes: (router) => router.service(EdgeServer, { runLambda }) }),
    );
    await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
    const sessions = new Set<import("node:http2").Http2Session>();
    h2.on("session", (s) => sessions.add(s));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sessions) s.destroy();
          h2.close(() => resolve());
        }),
    );
    const { port } = h2.address() as AddressInfo;
    const client = createClient(EdgeServer, transportTo(`127.0.0.1:${port}`));
    expect((await client.runLambda({ name: "echo", input: "cn" })).output).toBe("CN");
    const error = ConnectError.from(await client.runLambda({ name: "fail" }).catch((e) => e));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.metadata.get("x-why")).toBe("because");
  });

  test("TransportPool keeps one transport per end-point", async () => {
    const a = await start();
    const b = await start();
    const pool = new TransportPool();
    cleanups.push(() => pool.close());
    const ta: EndpointTransport = pool.get(a.endpoint);
    expect(pool.get(a.endpoint)).toBe(ta);
    expect(pool.get(b.endpoint)).not.toBe(ta);
    const results = await Promise.all(
      [a, b, a, b].map((s, i) =>
        createClient(EdgeServer, pool.get(s.endpoint)).runLambda({ name: "echo", input: `c${i}` }),
      ),
    );
    expect(results.map((r) => r.output)).toEqual(["C0", "C1", "C2", "C3"]);
  });
});

describe("control-plane token", () => {
  const token = "s3cret-token";
  const protect = (procedure: string) => procedure.startsWith("/uiiit.rpc.EdgeController/");

  test("a protected method without the token is Unauthenticated on every protocol", async () => {
    const server = await start({ interceptors: [controlAuthInterceptor({ token, protect })] });
    const lean = createClient(EdgeController, transportTo(server.endpoint));
    const connect = createClient(
      EdgeController,
      transportTo(server.endpoint, { protocol: "connect" }),
    );
    for (const client of [lean, connect]) {
      const error = ConnectError.from(
        await client.announceRouter({ edgeServerEndpoint: "x:1" }).catch((e) => e),
      );
      expect(error.code).toBe(Code.Unauthenticated);
      expect(error.message).not.toContain(token);
    }
    const rpc = loadUiiitRpc();
    const stub = new (rpc.EdgeController as grpc.ServiceClientConstructor)(
      server.endpoint,
      grpc.credentials.createInsecure(),
    );
    cleanups.push(() => stub.close());
    const grpcError = await new Promise<grpc.ServiceError | null>((resolve) =>
      // biome-ignore lint/suspicious/noExplicitAny: dynamic stub
      (stub as any).AnnounceRouter({}, (e: grpc.ServiceError | null) => resolve(e)),
    );
    expect(grpcError?.code).toBe(grpc.status.UNAUTHENTICATED);
    // Unprotected data-plane methods stay open.
    const data = createClient(EdgeServer, transportTo(server.endpoint));
    expect((await data.runLambda({ name: "echo", input: "ok" })).output).toBe("OK");
  });

  test("the right token is accepted, a wrong one refused", async () => {
    const server = await start({ interceptors: [controlAuthInterceptor({ token, protect })] });
    for (const protocol of ["grpc", "connect"] as const) {
      const good = createClient(EdgeController, transportTo(server.endpoint, { protocol, token }));
      await expect(good.announceRouter({ edgeServerEndpoint: "x:1" })).resolves.toBeDefined();
      const bad = createClient(
        EdgeController,
        transportTo(server.endpoint, { protocol, token: "wrong" }),
      );
      const error = ConnectError.from(await bad.announceRouter({}).catch((e) => e));
      expect(error.code).toBe(Code.Unauthenticated);
    }
  });
});

describe("TLS", () => {
  const certs = makeTestCerts();

  test("serves gRPC and HTTP over TLS with a verified certificate", async () => {
    const server = await start({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    expect(server.url.startsWith("https://")).toBe(true);
    const client = createClient(
      EdgeServer,
      transportTo(server.endpoint, { tls: { ca: certs.ca } }),
    );
    expect((await client.runLambda({ name: "echo", input: "tls" })).output).toBe("TLS");
    const untrusting = createClient(
      EdgeServer,
      transportTo(server.endpoint, { tls: { ca: certs.otherCa } }),
    );
    const error = ConnectError.from(await untrusting.runLambda({ name: "echo" }).catch((e) => e));
    expect(error.code).toBe(Code.Unavailable);
  });

  test("with a CA, clients must present a certificate it signed (mTLS)", async () => {
    const server = await start({
      tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca },
    });
    const withCert = createClient(
      EdgeServer,
      transportTo(server.endpoint, {
        tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
      }),
    );
    expect((await withCert.runLambda({ name: "echo", input: "m" })).output).toBe("M");
    const anonymous = createClient(
      EdgeServer,
      transportTo(server.endpoint, { tls: { ca: certs.ca } }),
    );
    const error = ConnectError.from(await anonymous.runLambda({ name: "echo" }).catch((e) => e));
    expect(error.code).toBe(Code.Unavailable);
  });
});

describe("close()", () => {
  test("lets an in-flight call finish, then refuses new connections", async () => {
    const server = await serve({ name: "test", routes: testRoutes });
    const client = createClient(EdgeServer, transportTo(server.endpoint));
    await client.runLambda({ name: "echo" });
    const inflight = client.runLambda({ name: "slow", input: "200" });
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    expect((await inflight).output).toBe("slept");
    const error = ConnectError.from(await client.runLambda({ name: "echo" }).catch((e) => e));
    expect(error.code).toBe(Code.Unavailable);
  });

  test("never hangs on idle keep-alive connections of every kind", async () => {
    const server = await serve({ name: "test", routes: testRoutes, drainTimeoutMs: 60_000 });
    await fetch(`${server.url}/healthz`);
    await createClient(EdgeServer, transportTo(server.endpoint)).runLambda({ name: "echo" });
    await createClient(EdgeServer, transportTo(server.endpoint, { protocol: "connect" })).runLambda(
      { name: "echo" },
    );
    const closed = await Promise.race([
      server.close().then(() => "closed"),
      new Promise((r) => setTimeout(() => r("hung"), 5_000)),
    ]);
    expect(closed).toBe("closed");
  });
});

describe("malformed HTTP", () => {
  async function raw(endpoint: string, request: string): Promise<string> {
    const { connect } = await import("node:net");
    const { host, port } = parseEndpoint(endpoint);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => socket.end(request));
      let answer = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        answer += chunk;
      });
      socket.on("close", () => resolve(answer));
      socket.on("error", reject);
    });
  }

  test("a connection that never sends a byte is closed after the request timeout", async () => {
    const server = await start({ requestTimeoutMs: 200 });
    const { connect } = await import("node:net");
    const { host, port } = parseEndpoint(server.endpoint);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.on("close", () => resolve(true));
      socket.on("error", () => undefined);
    });
    expect(closed).toBe(true);
  });

  test("broken framing and oversized headers get a JSON error with a request id", async () => {
    const server = await start();
    const broken = await raw(
      server.endpoint,
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
    );
    expect(broken).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const body = JSON.parse(broken.slice(broken.indexOf("\r\n\r\n") + 4)) as {
      error: string;
      code: string;
    };
    expect(body.error).toBe("Malformed HTTP request.");
    expect(broken).toContain(`x-request-id: ${body.code}`);
    const huge = await raw(
      server.endpoint,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toContain('"error":"Request headers are too large."');
    // The server still serves.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
