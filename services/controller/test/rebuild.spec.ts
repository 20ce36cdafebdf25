import { EdgeRouter, type EdgeRouterConf, EdgeRouterConf_Action } from "@soe/proto";
import { serve } from "@soe/runtime";
import { afterEach, describe, expect, it } from "vitest";
import {
  cleanupList,
  containers,
  controllerClients,
  eventually,
  freePort,
  quietLogger,
  startController,
} from "./fixtures.js";

const cleanup = cleanupList();
afterEach(() => cleanup.run());

/**
 * A reference-like router (Configure only, no table sync) whose GetTable lists what Configure
 * left, as the reference router's does; `log` records every Configure.
 */
async function startRouter(seed: readonly [lambda: string, destination: string][] = []) {
  const table = new Map<
    string,
    { lambda: string; destination: string; weight: number; final: boolean }
  >();
  const log: string[] = [];
  for (const [lambda, destination] of seed) {
    table.set(`${lambda} ${destination}`, { lambda, destination, weight: 1, final: true });
  }
  const server = await serve({
    name: "test-router",
    drainTimeoutMs: 200,
    logger: quietLogger,
    routes: (r) =>
      r.service(EdgeRouter, {
        configure(conf: EdgeRouterConf) {
          const key = `${conf.lambda} ${conf.destination}`;
          if (conf.action === EdgeRouterConf_Action.FLUSH) {
            log.push("flush");
            table.clear();
          } else if (conf.action === EdgeRouterConf_Action.REMOVE) {
            log.push(`remove ${key}`);
            table.delete(key);
          } else {
            log.push(`change ${key}`);
            const { lambda, destination, weight, final } = conf;
            table.set(key, { lambda, destination, weight, final });
          }
          return { msg: "OK" };
        },
        getTable: () => ({ entries: [...table.values()] }),
        getNumTables: () => ({ value: 2 }),
      }),
  });
  const routes = () => [...table.keys()].sort();
  return cleanup.add(
    { tableEndpoint: server.endpoint, log, routes, close: () => server.close() },
    (r) => r.close(),
  );
}

describe("a controller without a store, restarted", () => {
  it("keeps routing to a computer that announced once before the restart", async () => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    const first = await startController({ serverEndpoint: endpoint });
    const [r1, r2] = [await startRouter(), await startRouter()];
    const before = cleanup.add(controllerClients(endpoint), (c) => c.close());
    for (const [name, r] of [
      ["r1:6473", r1],
      ["r2:6473", r2],
    ] as const) {
      await before.control.announceRouter({
        edgeServerEndpoint: name,
        forwardingTableEndpoint: r.tableEndpoint,
      });
    }
    await before.control.announceComputer({
      edgeServerEndpoint: "once:1",
      containers: containers("l0", "l1"),
    });
    for (const r of [r1, r2])
      await eventually(() => expect(r.routes()).toEqual(["l0 once:1", "l1 once:1"]));
    await first.close();

    const second = cleanup.add(await startController({ serverEndpoint: endpoint }), (c) =>
      c.close(),
    );
    const after = cleanup.add(controllerClients(second.endpoint), (c) => c.close());
    const sent = [r1.log.length, r2.log.length];
    // The routers re-announce; the computer never does.
    for (const [name, r] of [
      ["r1:6473", r1],
      ["r2:6473", r2],
    ] as const) {
      await after.control.announceRouter({
        edgeServerEndpoint: name,
        forwardingTableEndpoint: r.tableEndpoint,
        bootId: "b",
      });
    }
    await eventually(async () => {
      const { computers } = await after.query.listComputers({});
      expect(computers.map((c) => c.endpoint)).toEqual(["once:1"]);
    });
    // A computer announced after the restart reaches every router; the adopted one stays.
    await after.control.announceComputer({
      edgeServerEndpoint: "new:1",
      containers: containers("l1"),
    });
    for (const r of [r1, r2]) {
      await eventually(() => expect(r.routes()).toEqual(["l0 once:1", "l1 new:1", "l1 once:1"]));
    }
    for (const [i, r] of [r1, r2].entries()) {
      const since = r.log.slice(sent[i]);
      expect(since).not.toContain("flush");
      expect(since.filter((line) => line.includes("once:1") && line.startsWith("remove"))).toEqual(
        [],
      );
    }
    const { lambdas } = await after.query.listLambdas({});
    expect(lambdas.map(({ name, computers }) => ({ name, computers }))).toEqual([
      { name: "l0", computers: ["once:1"] },
      { name: "l1", computers: ["new:1", "once:1"] },
    ]);

    // Until it fails: a router that ejects it tells the controller, which takes it out everywhere.
    await after.control.removeComputer({ edgeServerEndpoint: "once:1" });
    for (const r of [r1, r2]) await eventually(() => expect(r.routes()).toEqual(["l1 new:1"]));
  });

  it("adopts nothing with a state file: the file is the memory", async () => {
    // A route nobody announced to this controller, left by an earlier one.
    const r = await startRouter([["l9", "old:1"]]);
    const controller = cleanup.add(
      await startController({ stateFile: `/tmp/soe-rebuild-${process.pid}-${Date.now()}.json` }),
      (c) => c.close(),
    );
    const { control, query } = cleanup.add(controllerClients(controller.endpoint), (c) =>
      c.close(),
    );
    await control.announceComputer({ edgeServerEndpoint: "ours:1", containers: containers("l0") });
    await control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r.tableEndpoint,
    });
    await eventually(() => expect(r.routes()).toContain("l0 ours:1"));
    const { computers } = await query.listComputers({});
    expect(computers.map((c) => c.endpoint)).toEqual(["ours:1"]);
  });
});
