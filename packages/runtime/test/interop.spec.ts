import { createClient, ConnectError, Code, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport as createConnectNodeGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { EdgeComputer, EdgeServer } from "@soe/proto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serve, type RunningServer } from "../src/serve.js";
import { createTransport } from "../src/transports.js";
import { testRoutes } from "./fixtures.js";
import { grpc, loadUiiitRpc, unary } from "@soe/testing";

let server: RunningServer;

beforeAll(async () => {
  server = await serve({ name: "interop", routes: testRoutes, readMaxBytes: 64 * 1024 });
});
afterAll(async () => {
  await server.close();
});

/** Every Connect-API transport that must reach the same handler on the same port. */
const transports: Record<string, () => Transport> = {
  "runtime gRPC (lean, HTTP/2)": () => createTransport(server.endpoint),
  "connect-node gRPC (HTTP/2)": () => createConnectNodeGrpcTransport({ baseUrl: server.url }),
  "gRPC-Web (HTTP/1.1)": () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }),
  "gRPC-Web (h2c)": () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "2" }),
  "Connect binary (HTTP/2)": () =>
    createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: true }),
  "Connect binary (HTTP/1.1)": () =>
    createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat: true }),
  "Connect JSON (HTTP/1.1)": () =>
    createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
  "Connect JSON (HTTP/2)": () => createConnectTransport({ baseUrl: server.url, httpVersion: "2" }),
  "runtime Connect protocol": () => createTransport(server.endpoint, { protocol: "connect" }),
};

describe.each(Object.entries(transports))("%s", (_name, make) => {
  test("unary call reaches the handler", async () => {
    const client = createClient(EdgeServer, make());
    const res = await client.runLambda({
      name: "echo",
      input: "hello",
      hops: 2,
      datain: new Uint8Array([1, 2, 3]),
    });
    expect(res.retcode).toBe("OK");
    expect(res.output).toBe("HELLO");
    expect(res.hops).toBe(3);
    expect(Array.from(res.dataout)).toEqual([1, 2, 3]);
  });

  test("errors keep their code, message and metadata", async () => {
    const client = createClient(EdgeServer, make());
    const error = await client.runLambda({ name: "fail" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    const ce = error as ConnectError;
    expect(ce.code).toBe(Code.InvalidArgument);
    expect(ce.rawMessage).toBe("lambda refused");
    expect(ce.metadata.get("x-why")).toBe("because");
  });

  test("a handler that throws synchronously still answers with its error", async () => {
    const client = createClient(EdgeServer, make());
    const error = await client.runLambda({ name: "sync-crash" }).catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.FailedPrecondition);
  });

  test("a handler's plain exception is Internal", async () => {
    const client = createClient(EdgeServer, make());
    const error = await client.runLambda({ name: "crash" }).catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.Internal);
  });

  test("request headers in, response headers and trailers out", async () => {
    const client = createClient(EdgeServer, make());
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const res = await client.runLambda(
      { name: "meta" },
      {
        headers: { "x-req": "from-client" },
        onHeader: (h) => {
          header = h;
        },
        onTrailer: (t) => {
          trailer = t;
        },
      },
    );
    expect(res.output).toBe("from-client");
    expect(header?.get("x-resp")).toBe("header-value");
    expect(trailer?.get("x-trail")).toBe("trailer-value");
  });

  test("deadlines expire as DeadlineExceeded", async () => {
    const client = createClient(EdgeServer, make());
    const error = await client
      .runLambda({ name: "slow", input: "2000" }, { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.DeadlineExceeded);
  });

  test("a message over the server's limit is ResourceExhausted", async () => {
    const client = createClient(EdgeServer, make());
    const error = await client
      .runLambda({ name: "echo", input: "x".repeat(100 * 1024) })
      .catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.ResourceExhausted);
  });

  test("server streaming delivers every message, then the status", async () => {
    const client = createClient(EdgeComputer, make());
    const values: number[] = [];
    for await (const u of client.streamUtil({})) values.push(Number(u.values.arm?.toFixed(1)));
    expect(values).toEqual([0.1, 0.2, 0.3]);

    const partial: number[] = [];
    const error = await (async () => {
      for await (const u of client.streamUtil({}, { headers: { "x-fail": "1" } })) {
        partial.push(Number(u.values.arm?.toFixed(1)));
      }
    })().catch((e: unknown) => e);
    expect(partial).toEqual([0.1, 0.2]);
    expect(ConnectError.from(error).code).toBe(Code.Unavailable);
  });
});

describe("stock @grpc/grpc-js client built from the .proto files", () => {
  const rpc = loadUiiitRpc();
  let client: grpc.Client;
  let computer: grpc.Client;
  beforeAll(() => {
    const EdgeServerClient = rpc.EdgeServer as grpc.ServiceClientConstructor;
    const EdgeComputerClient = rpc.EdgeComputer as grpc.ServiceClientConstructor;
    client = new EdgeServerClient(server.endpoint, grpc.credentials.createInsecure());
    computer = new EdgeComputerClient(server.endpoint, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client.close();
    computer.close();
  });

  test("RunLambda with metadata, headers and trailers", async () => {
    const metadata = new grpc.Metadata();
    metadata.set("x-req", "grpc-js");
    const echo = await unary<{ output: string; hops: number }>(client, "RunLambda", {
      name: "echo",
      input: "abc",
      hops: 1,
    });
    expect(echo.value.output).toBe("ABC");
    expect(echo.value.hops).toBe(2);
    const meta = await unary<{ output: string }>(
      client,
      "RunLambda",
      { name: "meta" },
      { metadata },
    );
    expect(meta.value.output).toBe("grpc-js");
    expect(meta.metadata.get("x-resp")).toEqual(["header-value"]);
    expect(meta.trailers.get("x-trail")).toEqual(["trailer-value"]);
  });

  test("error status, message and trailing metadata", async () => {
    const error = (await unary(client, "RunLambda", { name: "fail" }).catch(
      (e: unknown) => e,
    )) as grpc.ServiceError;
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toBe("lambda refused");
    expect(error.metadata.get("x-why")).toEqual(["because"]);
  });

  test("deadline exceeded", async () => {
    const error = (await unary(
      client,
      "RunLambda",
      { name: "slow", input: "2000" },
      { deadlineMs: 100 },
    ).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(error.code).toBe(grpc.status.DEADLINE_EXCEEDED);
  });

  test("server streaming (StreamUtil shape)", async () => {
    const values = await new Promise<number[]>((resolve, reject) => {
      const out: number[] = [];
      // biome-ignore lint/suspicious/noExplicitAny: dynamic stub
      const call = (computer as any).StreamUtil({});
      call.on("data", (u: { values: Record<string, number> }) =>
        out.push(Number(u.values.arm?.toFixed(1))),
      );
      call.on("error", reject);
      call.on("end", () => resolve(out));
    });
    expect(values).toEqual([0.1, 0.2, 0.3]);
  });

  test("an unknown method is UNIMPLEMENTED", async () => {
    const RouterClient = rpc.EdgeRouter as grpc.ServiceClientConstructor;
    const router = new RouterClient(server.endpoint, grpc.credentials.createInsecure());
    const error = (await unary(router, "GetNumTables", {}).catch(
      (e: unknown) => e,
    )) as grpc.ServiceError;
    router.close();
    expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

describe("plain HTTP on the same port", () => {
  test("GET /healthz answers ok", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", service: "interop" });
  });

  test("GET /metrics counts calls by procedure and code", async () => {
    const client = createClient(EdgeServer, createTransport(server.endpoint));
    await client.runLambda({ name: "echo" });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      /rpc_server_calls_total\{procedure="\/uiiit\.rpc\.EdgeServer\/RunLambda",code="ok"\} \d+/,
    );
    expect(text).toMatch(
      /rpc_server_calls_total\{procedure="\/uiiit\.rpc\.EdgeServer\/RunLambda",code="invalid_argument"\} \d+/,
    );
    expect(text).toContain("rpc_server_duration_seconds_bucket");
  });

  test("curl-style Connect JSON POST reaches the handler", async () => {
    const res = await fetch(`${server.url}/uiiit.rpc.EdgeServer/RunLambda`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "echo", input: "curl" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ retcode: "OK", output: "CURL", hops: 1 });
  });

  test("unknown paths get a JSON 404", async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 404 });
  });
});
