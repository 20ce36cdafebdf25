import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeRouter, EdgeRouterConf_Action, EdgeServer } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { afterEach, describe, expect, test } from "vitest";
import { createRouterServer, type RouterServerOptions } from "../src/router-server.js";
import {
  eventually,
  install,
  quietLogger,
  startComputer,
  startRecordingController,
  type TestComputer,
} from "./fixtures.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function router(options: Partial<RouterServerOptions> = {}) {
  const server = await createRouterServer({
    serverEndpoint: "127.0.0.1:0",
    configurationEndpoint: "127.0.0.1:0",
    optimizerConf: "type=none",
    logger: quietLogger,
    ...options,
  });
  cleanups.push(() => server.close());
  return server;
}

async function computer(name: string, behaviour: Parameters<typeof startComputer>[1] = {}) {
  const c = await startComputer(name, behaviour);
  cleanups.push(() => c.close());
  return c;
}

function lambdaClient(endpoint: string) {
  const transport = createTransport(endpoint);
  cleanups.push(() => transport.close());
  return createClient(EdgeServer, transport);
}

describe("edge router forwarding", () => {
  test("spreads requests over the installed computers, with hops and forward set", async () => {
    const r = await router();
    const [a, b] = [await computer("A"), await computer("B")];
    expect(await install(r.configurationEndpoint, "clambda0", [a.endpoint, b.endpoint])).toEqual([
      "OK",
      "OK",
    ]);
    const client = lambdaClient(r.serverEndpoint);
    const outputs = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const res = await client.runLambda({ name: "clambda0", input: "x", hops: 0 });
      expect(res.retcode).toBe("OK");
      expect(res.hops).toBe(2); // client → router → computer (reference §1.7)
      outputs.add(res.output);
    }
    expect(outputs).toEqual(new Set(["A", "B"]));
    expect(a.seen.concat(b.seen).every((s) => s.hops === 1 && s.forward)).toBe(true);
  });

  test("fills an empty responder with the destination", async () => {
    const r = await router();
    const a = await computer("A");
    await install(r.configurationEndpoint, "clambda0", [a.endpoint]);
    const res = await lambdaClient(r.serverEndpoint).runLambda({ name: "clambda0" });
    expect(res.responder).toBe(a.endpoint);
  });

  test("a lambda's own failure goes back unchanged and evicts nothing", async () => {
    const r = await router();
    const boom = await computer("B", { retcode: "boom" });
    await install(r.configurationEndpoint, "clambda0", [boom.endpoint]);
    const client = lambdaClient(r.serverEndpoint);
    for (let i = 0; i < 3; i++) {
      expect((await client.runLambda({ name: "clambda0" })).retcode).toBe("boom");
    }
    expect(r.tables.rows(0).map((row) => row.destination)).toEqual([boom.endpoint]);
    expect(boom.seen.length).toBe(3);
  });

  test("a killed computer is ejected while every request still succeeds", async () => {
    const controller = await startRecordingController();
    cleanups.push(() => controller.close());
    const r = await router({ controllerEndpoint: controller.endpoint });
    const [a, b] = [await computer("A"), await computer("B")];
    await install(r.configurationEndpoint, "clambda0", [a.endpoint, b.endpoint]);
    const client = lambdaClient(r.serverEndpoint);
    await client.runLambda({ name: "clambda0" });
    await b.close();
    const outputs: string[] = [];
    for (let i = 0; i < 30; i++)
      outputs.push((await client.runLambda({ name: "clambda0" })).output);
    expect(outputs.every((o) => o === "A")).toBe(true);
    expect(r.tables.rows(0).map((row) => row.destination)).toEqual([a.endpoint]);
    await eventually(() => controller.removed.includes(b.endpoint));
    expect(controller.removed.filter((e) => e === b.endpoint)).toHaveLength(1);
  });

  test("/metrics shows each destination's outcomes, latency, in-flight, ejections and weights", async () => {
    const r = await router();
    const [a, boom, gone] = [
      await computer("A"),
      await computer("B", { retcode: "boom" }),
      await computer("C"),
    ];
    await install(r.configurationEndpoint, "ok", [a.endpoint]);
    await install(r.configurationEndpoint, "bad", [boom.endpoint]);
    await install(r.configurationEndpoint, "lost", [gone.endpoint, a.endpoint]);
    await gone.close();
    const client = lambdaClient(r.serverEndpoint);
    for (let i = 0; i < 3; i++) await client.runLambda({ name: "ok" });
    expect((await client.runLambda({ name: "bad" })).retcode).toBe("boom");
    // The dead computer is tried (the pick is random among equal weights) until it is ejected.
    for (let i = 0; i < 20 && r.tables.rows(0).length > 3; i++)
      await client.runLambda({ name: "lost" });
    expect(r.tables.rows(0).map((row) => row.destination)).not.toContain(gone.endpoint);

    const text = await (await fetch(`http://${r.serverEndpoint}/metrics`)).text();
    const value = (series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const okCalls = value(`soe_router_forwarded_total{destination="${a.endpoint}",outcome="ok"}`);
    expect(okCalls).toBeGreaterThanOrEqual(3);
    expect(
      value(`soe_router_forwarded_total{destination="${boom.endpoint}",outcome="retcode"}`),
    ).toBe(1);
    expect(
      value(`soe_router_forwarded_total{destination="${gone.endpoint}",outcome="unavailable"}`),
    ).toBe(1);
    expect(value(`soe_router_ejections_total{destination="${gone.endpoint}"}`)).toBe(1);
    expect(value(`soe_router_forward_duration_seconds_count{destination="${a.endpoint}"}`)).toBe(
      okCalls,
    );
    expect(value(`soe_router_in_flight{destination="${a.endpoint}"}`)).toBe(0);
    expect(
      value(`soe_router_table_weight{table="0",lambda="ok",destination="${a.endpoint}"}`),
    ).toBe(1);
    expect(
      value(`soe_router_table_weight{table="0",lambda="bad",destination="${boom.endpoint}"}`),
    ).toBe(1);
    expect(text).not.toContain(
      `soe_router_table_weight{table="0",lambda="lost",destination="${gone.endpoint}"}`,
    );
    // The call to the dead computer never left: it was retried on A, within the budget.
    expect(value('soe_router_retries_total{outcome="retried"}')).toBe(1);
  });

  test("an ejected computer is probed again and comes back once it answers", async () => {
    const r = await router();
    const a = await computer("A");
    const b = await computer("B");
    await install(r.configurationEndpoint, "clambda0", [a.endpoint, b.endpoint]);
    const client = lambdaClient(r.serverEndpoint);
    await b.close();
    for (let i = 0; i < 10; i++) await client.runLambda({ name: "clambda0" });
    expect(r.tables.rows(0).map((row) => row.destination)).toEqual([a.endpoint]);
    const revived = await computer("B2", { endpoint: b.endpoint });
    // The probe puts the routes back after the back-off; traffic reaches the revived computer.
    await eventually(() => r.tables.rows(0).length === 2);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) seen.add((await client.runLambda({ name: "clambda0" })).output);
    expect(seen.has("B2")).toBe(true);
    expect(revived.seen.length).toBeGreaterThan(0);
  });

  test("when every destination is unreachable the reply says so", async () => {
    const r = await router();
    const a = await computer("A");
    await install(r.configurationEndpoint, "clambda0", [a.endpoint]);
    await a.close();
    const client = lambdaClient(r.serverEndpoint);
    // The failed attempt never reached the computer, so the router retried and found nothing left.
    for (let i = 0; i < 2; i++) {
      const res = await client.runLambda({ name: "clambda0" });
      expect(res.retcode).toBe(
        "No destinations found for the entry: all 1 destination(s) of 'clambda0' are unreachable",
      );
    }
  });

  test("unknown lambdas and loops get the reference's retcodes, with hops 0", async () => {
    const r = await router();
    const client = lambdaClient(r.serverEndpoint);
    const unknown = await client.runLambda({ name: "nope", hops: 3 });
    expect(unknown.retcode).toBe("No destinations found for the entry");
    expect(unknown.hops).toBe(0);
    const loop = await client.runLambda({ name: "nope", hops: 255 });
    expect(loop.retcode).toBe("loop detected");
  });

  test("dry requests are not propagated", async () => {
    const r = await router();
    const a = await computer("A");
    await install(r.configurationEndpoint, "clambda0", [a.endpoint]);
    await lambdaClient(r.serverEndpoint).runLambda({ name: "clambda0", dry: true });
    expect(a.seen[0]?.dry).toBe(false);
  });

  test("forwarded requests use the final table only", async () => {
    const r = await router();
    const a = await computer("A");
    const transport = createTransport(r.configurationEndpoint);
    cleanups.push(() => transport.close());
    const table = createClient(EdgeRouter, transport);
    await table.configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda: "clambda0",
      destination: a.endpoint,
      weight: 1,
      final: false,
    });
    const client = lambdaClient(r.serverEndpoint);
    expect((await client.runLambda({ name: "clambda0" })).retcode).toBe("OK");
    const forwarded = await client.runLambda({ name: "clambda0", forward: true });
    expect(forwarded.retcode).toBe("No destinations found for the entry");
  });

  test("a computer slower than --timeout is DeadlineExceeded and ejected", async () => {
    const r = await router({ timeoutMs: 100 });
    const slow = await computer("S", { delayMs: 1_000 });
    await install(r.configurationEndpoint, "clambda0", [slow.endpoint]);
    const error = await lambdaClient(r.serverEndpoint)
      .runLambda({ name: "clambda0" })
      .catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.DeadlineExceeded);
    expect(r.tables.rows(0)).toEqual([]);
  });

  test("a caller's own short deadline does not eject the destination", async () => {
    const r = await router({ timeoutMs: 5_000 });
    const slow = await computer("S", { delayMs: 500 });
    await install(r.configurationEndpoint, "clambda0", [slow.endpoint]);
    const error = await lambdaClient(r.serverEndpoint)
      .runLambda({ name: "clambda0" }, { timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.DeadlineExceeded);
    expect(r.tables.rows(0).map((row) => row.destination)).toEqual([slow.endpoint]);
  });

  test("max-pending-clients bounds the calls in flight per destination", async () => {
    const r = await router({ routerConf: "max-pending-clients=1" });
    const slow: TestComputer = await computer("S", { delayMs: 50 });
    await install(r.configurationEndpoint, "clambda0", [slow.endpoint]);
    const client = lambdaClient(r.serverEndpoint);
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => client.runLambda({ name: "clambda0" })),
    );
    expect(replies.every((res) => res.retcode === "OK")).toBe(true);
    expect(slow.maxInFlight).toBe(1);
    // Failed calls release their slot too: after an ejection nothing is left waiting.
    await slow.close();
    await client.runLambda({ name: "clambda0" }).catch(() => undefined);
    expect(slow.inFlight).toBe(0);
  });
});

describe("edge router control plane", () => {
  test("announces itself with a boot id, and re-announces", async () => {
    const controller = await startRecordingController();
    cleanups.push(() => controller.close());
    const r = await router({ controllerEndpoint: controller.endpoint, announcePeriodMs: 50 });
    await eventually(() => controller.routers.length >= 2);
    const first = controller.routers[0];
    expect(first?.edgeServerEndpoint).toBe(r.serverEndpoint);
    expect(first?.forwardingTableEndpoint).toBe(r.configurationEndpoint);
    expect(first?.bootId).toBe(r.bootId);
    expect(r.bootId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("announces --advertise host with the bound ports", async () => {
    const controller = await startRecordingController();
    cleanups.push(() => controller.close());
    const r = await router({
      configurationEndpoint: "127.0.0.2:0", // a table port of its own
      controllerEndpoint: controller.endpoint,
      advertise: "edge-r.example",
    });
    await eventually(() => controller.routers.length >= 1);
    const port = (endpoint: string) => endpoint.split(":").at(-1);
    expect(controller.routers[0]?.edgeServerEndpoint).toBe(
      `edge-r.example:${port(r.serverEndpoint)}`,
    );
    expect(controller.routers[0]?.forwardingTableEndpoint).toBe(
      `edge-r.example:${port(r.configurationEndpoint)}`,
    );
  });

  test("announces --advertise host:port whole for the lambdas, not as a host", async () => {
    const controller = await startRecordingController();
    cleanups.push(() => controller.close());
    const r = await router({
      configurationEndpoint: "127.0.0.2:0", // a table port of its own
      controllerEndpoint: controller.endpoint,
      advertise: "edge-r.example:7000",
    });
    await eventually(() => controller.routers.length >= 1);
    expect(controller.routers[0]?.edgeServerEndpoint).toBe("edge-r.example:7000");
    // The table's own port stays its bound one under the advertised host.
    expect(controller.routers[0]?.forwardingTableEndpoint).toBe(
      `edge-r.example:${r.configurationEndpoint.split(":").at(-1)}`,
    );
  });

  test("announces --advertise host:port for both when lambdas and table share a port", async () => {
    const controller = await startRecordingController();
    cleanups.push(() => controller.close());
    // Equal end-points (both 127.0.0.1:0 here) are one port for both services.
    const shared = await router({
      controllerEndpoint: controller.endpoint,
      advertise: "[::1]:7000",
    });
    await eventually(() => controller.routers.length >= 1);
    expect(controller.routers[0]?.edgeServerEndpoint).toBe("[::1]:7000");
    expect(shared.serverEndpoint).toBe(shared.configurationEndpoint);
    expect(controller.routers[0]?.forwardingTableEndpoint).toBe("[::1]:7000");
  });

  test("keeps announcing until a late controller answers", async () => {
    const late = await startRecordingController();
    const endpoint = late.endpoint;
    await late.close();
    await router({ controllerEndpoint: endpoint, announcePeriodMs: 10_000 });
    const controller = await startRecordingController(endpoint);
    cleanups.push(() => controller.close());
    await eventually(() => controller.routers.length >= 1, 10_000);
  });

  test("Configure requires the token when one is set; lambdas do not", async () => {
    const r = await router({ token: "tok" });
    const a = await computer("A");
    await expect(install(r.configurationEndpoint, "clambda0", [a.endpoint])).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
    expect(await install(r.configurationEndpoint, "clambda0", [a.endpoint], "tok")).toEqual(["OK"]);
    expect((await lambdaClient(r.serverEndpoint).runLambda({ name: "clambda0" })).retcode).toBe(
      "OK",
    );
  });

  test("Configure errors come back in Return.msg; GetTable and GetNumTables answer", async () => {
    const r = await router();
    const transport = createTransport(r.configurationEndpoint);
    cleanups.push(() => transport.close());
    const table = createClient(EdgeRouter, transport);
    const bad = await table.configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda: "l",
      destination: "d:1",
      weight: -1,
      final: true,
    });
    expect(bad.msg).toMatch(/^Error: Invalid weight/);
    await table.configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda: "l",
      destination: "d:1",
      weight: 0.5,
      final: true,
    });
    await table.configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda: "l",
      destination: "e:1",
      weight: 2,
      final: false,
    });
    expect((await table.getNumTables({})).value).toBe(2);
    const overall = await table.getTable({ value: 0 });
    expect(overall.entries.map((e) => [e.lambda, e.destination, e.weight, e.final])).toEqual([
      ["l", "d:1", 0.5, true],
      ["l", "e:1", 2, false],
    ]);
    expect((await table.getTable({ value: 1 })).entries.map((e) => e.destination)).toEqual(["d:1"]);
    expect((await table.getTable({ value: 7 })).entries).toEqual([]);
    await table.configure({ action: EdgeRouterConf_Action.FLUSH });
    expect((await table.getTable({ value: 0 })).entries).toEqual([]);
  });
});
