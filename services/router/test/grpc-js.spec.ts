import { EdgeRouterConf_Action } from "@soe/proto";
import { grpc, loadUiiitRpc, unary } from "@soe/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createRouterServer, type RouterServer } from "../src/router-server.js";
import { quietLogger, startComputer, type TestComputer } from "./fixtures.js";

/** DESIGN §2: a stock gRPC client built from the .proto files drives our router. */
describe("stock @grpc/grpc-js client", () => {
  const rpc = loadUiiitRpc();
  let router: RouterServer;
  let computer: TestComputer;
  let table: grpc.Client;
  let lambdas: grpc.Client;

  beforeAll(async () => {
    router = await createRouterServer({
      serverEndpoint: "127.0.0.1:0",
      configurationEndpoint: "127.0.0.1:0",
      logger: quietLogger,
    });
    computer = await startComputer("C");
    const credentials = grpc.credentials.createInsecure();
    table = new (rpc.EdgeRouter as grpc.ServiceClientConstructor)(
      router.configurationEndpoint,
      credentials,
    );
    lambdas = new (rpc.EdgeServer as grpc.ServiceClientConstructor)(
      router.serverEndpoint,
      credentials,
    );
  });
  afterAll(async () => {
    table.close();
    lambdas.close();
    await computer.close();
    await router.close();
  });

  test("GetNumTables, Configure, GetTable and RunLambda", async () => {
    const num = await unary<{ value: number }>(table, "GetNumTables", {});
    expect(num.value.value).toBe(2);
    const conf = await unary<{ msg: string }>(table, "Configure", {
      action: EdgeRouterConf_Action[EdgeRouterConf_Action.CHANGE],
      lambda: "clambda0",
      destination: computer.endpoint,
      weight: 1,
      final: true,
    });
    expect(conf.value.msg).toBe("OK");
    const overall = await unary<{
      entries: { lambda: string; destination: string; final: boolean }[];
    }>(table, "GetTable", { value: 0 });
    expect(overall.value.entries).toEqual([
      expect.objectContaining({ lambda: "clambda0", destination: computer.endpoint, final: true }),
    ]);
    const reply = await unary<{ retcode: string; output: string; hops: number; responder: string }>(
      lambdas,
      "RunLambda",
      { name: "clambda0", input: "hello" },
    );
    expect(reply.value).toMatchObject({
      retcode: "OK",
      output: "C",
      hops: 2,
      responder: computer.endpoint,
    });
  });
});
