import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createControllerServer } from "@soe/controller";
import { EdgeController, soev1 } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { afterEach, describe, expect, test, vi } from "vitest";

const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 20 });
import { DestinationHealth } from "../src/destination-health.js";
import { makeLocalOptimizer } from "../src/optimizers/optimizer-factory.js";
import { makeForwardingTable } from "../src/policies/policy-factory.js";
import { createRouterServer } from "../src/router-server.js";
import { listenRouter } from "../src/router-listeners.js";
import { RouterTables } from "../src/router-tables.js";
import { tableService } from "../src/table-service.js";
import { Conf } from "@soe/runtime";
import { quietLogger } from "./fixtures.js";

const TOKEN = "sync-token";
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function controller() {
  const server = await createControllerServer({
    leaseTtlMs: 0,
    token: TOKEN,
    installTimeoutMs: 1_000,
    installBackoff: { initialMs: 20, maxMs: 100 },
    installBatchPairs: 40, // several batches, and snapshots in parts, even for a small domain
    logger: quietLogger,
  });
  cleanups.push(() => server.close());
  const transport = createTransport(server.endpoint, { token: TOKEN });
  cleanups.push(() => transport.close());
  return {
    endpoint: server.endpoint,
    control: createClient(EdgeController, transport),
    query: createClient(soev1.ControllerQueryService, transport),
  };
}

async function router(controllerEndpoint: string, configurationEndpoint = "127.0.0.1:0") {
  const server = await createRouterServer({
    serverEndpoint: "127.0.0.1:0",
    configurationEndpoint,
    controllerEndpoint,
    announcePeriodMs: 50,
    optimizerConf: "type=none",
    token: TOKEN,
    logger: quietLogger,
  });
  let closed = false;
  cleanups.push(() => (closed ? undefined : server.close()));
  return Object.assign(server, {
    stop: async () => {
      closed = true;
      await server.close();
    },
  });
}

/** A router as the reference's: EdgeRouter only, announced once, without a boot id. */
async function referenceRouter(controllerEndpoint: string) {
  const tables = new RouterTables({
    makeTable: () =>
      makeForwardingTable(Conf.of({ type: "random" }), { clock: () => 0, rng: Math.random }),
    makeOptimizer: (table) => makeLocalOptimizer(Conf.of({ type: "none" }), table, () => 0),
  });
  const health = new DestinationHealth(() => 0, { initialMs: 500, maxMs: 30_000 });
  const listeners = await listenRouter({
    lambdaEndpoint: "127.0.0.1:0",
    tableEndpoint: "127.0.0.1:0",
    table: tableService(tables, health, quietLogger, { sync: false }),
    lambda: {},
    token: TOKEN,
    logger: quietLogger,
  });
  cleanups.push(() => listeners.close());
  const transport = createTransport(controllerEndpoint, { token: TOKEN });
  cleanups.push(() => transport.close());
  await createClient(EdgeController, transport).announceRouter({
    edgeServerEndpoint: listeners.lambdaEndpoint,
    forwardingTableEndpoint: listeners.tableEndpoint,
  });
  return { ...listeners, tables };
}

const containers = (...lambdas: string[]) =>
  lambdas.map((lambda) => ({ name: `${lambda}-c`, processor: "cpu", lambda, numWorkers: 1 }));
const lambdas = Array.from({ length: 5 }, (_, i) => `l${i}`);

async function announceComputers(
  control: ReturnType<typeof createClient<typeof EdgeController>>,
  from: number,
  to: number,
) {
  await Promise.all(
    Array.from({ length: to - from }, (_, i) =>
      control.announceComputer({
        edgeServerEndpoint: `10.0.0.${from + i}:6473`,
        containers: containers(...lambdas),
      }),
    ),
  );
}

async function held(tableEndpoint: string) {
  const transport = createTransport(tableEndpoint);
  try {
    return await createClient(soev1.TableSyncService, transport).getVersion({});
  } finally {
    transport.close();
  }
}

describe("a controller syncing real routers' tables", () => {
  test("installs a burst of announcements on every router in versioned batches", async () => {
    const c = await controller();
    const routers = [await router(c.endpoint), await router(c.endpoint)];
    await eventually(async () => expect((await c.query.listRouters({})).routers).toHaveLength(2));
    await announceComputers(c.control, 0, 60);
    for (const r of routers) {
      await eventually(() => expect(r.tables.size).toBe(300));
      const version = await held(r.configurationEndpoint);
      expect(version.held?.epoch).not.toBe("");
      expect(version.routes).toBe(300);
    }
    await c.control.removeComputer({ edgeServerEndpoint: "10.0.0.7:6473" });
    for (const r of routers) await eventually(() => expect(r.tables.size).toBe(295));
    await eventually(async () => {
      const listed = (await c.query.listRouters({})).routers;
      expect(listed.map((r) => r.pendingOperations)).toEqual([0, 0]);
    });
  });

  test("sends its whole table again to a router that restarted on the same end-points", async () => {
    const c = await controller();
    const first = await router(c.endpoint);
    await eventually(async () => expect((await c.query.listRouters({})).routers).toHaveLength(1));
    await announceComputers(c.control, 0, 30);
    await eventually(() => expect(first.tables.size).toBe(150));
    const before = await held(first.configurationEndpoint);
    await first.stop();
    // Same end-points, new boot id, empty tables.
    const second = await router(c.endpoint, first.configurationEndpoint);
    await eventually(() => expect(second.tables.size).toBe(150));
    const after = await held(second.configurationEndpoint);
    expect(after.held?.epoch).toBe(before.held?.epoch);
    expect(after.held?.version).toBeGreaterThan(before.held?.version ?? 0n);
  });

  test("installs a router without TableSyncService one Configure per entry", async () => {
    const c = await controller();
    const reference = await referenceRouter(c.endpoint);
    const ours = await router(c.endpoint);
    await eventually(async () => expect((await c.query.listRouters({})).routers).toHaveLength(2));
    await announceComputers(c.control, 0, 20);
    await eventually(() => expect(reference.tables.size).toBe(100));
    await eventually(() => expect(ours.tables.size).toBe(100));
    await expect(held(reference.tableEndpoint)).rejects.toSatisfy(
      (e) => ConnectError.from(e).code === Code.Unimplemented,
    );
    await c.control.removeComputer({ edgeServerEndpoint: "10.0.0.3:6473" });
    await eventually(() => expect(reference.tables.size).toBe(95));
  });
});
