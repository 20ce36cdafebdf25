import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import { EdgeController, EdgeServer, type LambdaRequest } from "@soe/proto";
import { createRouterServer, type RouterServer } from "@soe/router";
import {
  createLogger,
  createTransport,
  type PeriodicTask,
  type RunningServer,
  serve,
  startPeriodicTask,
} from "@soe/runtime";
import { eventually } from "@soe/testing";
import { afterEach, describe, expect, test } from "vitest";
import { type ControllerServer, createControllerServer } from "@soe/controller";

/**
 * The control plane and the data plane together: a real controller, a real router and two
 * computers that announce with a lease, as the integration scenarios describe.
 */

const logger = createLogger({ name: "domain", level: "silent" });
const LEASE_MS = 600;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Computer {
  readonly endpoint: string;
  served: number;
  close(): Promise<void>;
}

/** A computer answering `clambda0` with its name, announcing itself every lease/3. */
async function startComputer(name: string, controllerEndpoint: string, retcode = "OK") {
  const computer = { served: 0 } as Computer;
  const server: RunningServer = await serve({
    name,
    logger,
    routes: (router) =>
      router.service(EdgeServer, {
        runLambda(req: LambdaRequest) {
          computer.served++;
          return { retcode, output: name, hops: req.hops + 1 };
        },
      }),
  });
  const transport = createTransport(controllerEndpoint, { defaultTimeoutMs: 1_000 });
  const controller = createClient(EdgeController, transport);
  const announcer: PeriodicTask = startPeriodicTask(
    async () => {
      await controller.announceComputer({
        edgeServerEndpoint: server.endpoint,
        containers: [{ name: "c0", processor: "cpu", lambda: "clambda0", numWorkers: 1 }],
      });
    },
    { periodMs: LEASE_MS / 3, backoff: { initialMs: 20, maxMs: LEASE_MS / 3 } },
  );
  Object.assign(computer, {
    endpoint: server.endpoint,
    close: async () => {
      await announcer.stop();
      transport.close();
      await server.close();
    },
  });
  cleanups.push(() => computer.close());
  return computer;
}

async function startController(endpoint = "127.0.0.1:0", stateFile?: string) {
  const controller: ControllerServer = await createControllerServer({
    serverEndpoint: endpoint,
    leaseTtlMs: LEASE_MS,
    installTimeoutMs: 500,
    logger,
    ...(stateFile === undefined ? {} : { stateFile }),
  });
  cleanups.push(() => controller.close());
  return controller;
}

async function startRouter(controllerEndpoint: string, ports?: RouterServer) {
  const router = await createRouterServer({
    serverEndpoint: ports?.serverEndpoint ?? "127.0.0.1:0",
    configurationEndpoint: ports?.configurationEndpoint ?? "127.0.0.1:0",
    controllerEndpoint,
    announcePeriodMs: LEASE_MS / 3,
    optimizerConf: "type=none",
    logger,
  });
  cleanups.push(() => router.close());
  return router;
}

function destinations(router: RouterServer): string[] {
  return router.tables
    .rows(0)
    .map((row) => row.destination)
    .sort();
}

/** Sends requests one after another until stopped, counting the outcomes. */
function steadyLoad(routerEndpoint: string) {
  const transport = createTransport(routerEndpoint, { defaultTimeoutMs: 2_000 });
  const client = createClient(EdgeServer, transport);
  const outcomes = { ok: 0, failed: [] as string[], by: new Map<string, number>() };
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const res = await client.runLambda({ name: "clambda0", input: "x" });
        if (res.retcode === "OK") {
          outcomes.ok++;
          outcomes.by.set(res.output, (outcomes.by.get(res.output) ?? 0) + 1);
        } else {
          outcomes.failed.push(res.retcode);
        }
      } catch (error) {
        outcomes.failed.push(String(error));
      }
      await sleep(2);
    }
  })();
  const stop = async () => {
    running = false;
    await done;
    transport.close();
    return outcomes;
  };
  cleanups.push(stop);
  return { outcomes, stop };
}

describe("controller + router + computers", () => {
  test("announced computers get routes on the router and share the requests", async () => {
    const controller = await startController();
    const router = await startRouter(controller.endpoint);
    const a = await startComputer("A", controller.endpoint);
    const b = await startComputer("B", controller.endpoint);
    await eventually(() => destinations(router).length === 2);
    expect(destinations(router)).toEqual([a.endpoint, b.endpoint].sort());
    const load = steadyLoad(router.serverEndpoint);
    await eventually(() => load.outcomes.ok >= 40);
    const outcomes = await load.stop();
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.by.get("A")).toBeGreaterThan(0);
    expect(outcomes.by.get("B")).toBeGreaterThan(0);
  });

  test("a computer whose lambda fails keeps its route", async () => {
    const controller = await startController();
    const router = await startRouter(controller.endpoint);
    const boom = await startComputer("B", controller.endpoint, "boom");
    await eventually(() => destinations(router).length === 1);
    const client = createClient(EdgeServer, createTransport(router.serverEndpoint));
    for (let i = 0; i < 5; i++)
      expect((await client.runLambda({ name: "clambda0" })).retcode).toBe("boom");
    await sleep(LEASE_MS);
    expect(destinations(router)).toEqual([boom.endpoint]);
  });

  test("a killed computer leaves every table while every request still succeeds", async () => {
    const controller = await startController();
    const router = await startRouter(controller.endpoint);
    const a = await startComputer("A", controller.endpoint);
    const b = await startComputer("B", controller.endpoint);
    await eventually(() => destinations(router).length === 2);
    const load = steadyLoad(router.serverEndpoint);
    await eventually(() => load.outcomes.ok >= 20);
    await b.close();
    const okAtKill = load.outcomes.ok;
    await eventually(() => destinations(router).length === 1);
    expect(destinations(router)).toEqual([a.endpoint]);
    await eventually(() => load.outcomes.ok >= okAtKill + 20);
    // Gone for good: the lease ran out and the controller removed it from every router.
    await sleep(LEASE_MS * 1.5);
    expect(destinations(router)).toEqual([a.endpoint]);
    const outcomes = await load.stop();
    expect(outcomes.failed).toEqual([]);
  });

  test("a controller restart fails no request, and the state is back within one lease", async () => {
    const controller = await startController();
    const router = await startRouter(controller.endpoint);
    await startComputer("A", controller.endpoint);
    await startComputer("B", controller.endpoint);
    await eventually(() => destinations(router).length === 2);
    const load = steadyLoad(router.serverEndpoint);
    await eventually(() => load.outcomes.ok >= 20);
    await controller.close();
    await sleep(100);
    const restarted = await startController(controller.endpoint);
    const okAtRestart = load.outcomes.ok;
    await eventually(() => load.outcomes.ok >= okAtRestart + 20);
    expect(destinations(router).length).toBe(2);
    expect(restarted.endpoint).toBe(controller.endpoint);
    const outcomes = await load.stop();
    expect(outcomes.failed).toEqual([]);
  });

  test("a restarted router gets its table back by itself", async () => {
    const controller = await startController();
    const router = await startRouter(controller.endpoint);
    const a = await startComputer("A", controller.endpoint);
    await eventually(() => destinations(router).length === 1);
    await router.close();
    const again = await startRouter(controller.endpoint, router);
    expect(again.bootId).not.toBe(router.bootId);
    await eventually(() => destinations(again).length === 1);
    expect(destinations(again)).toEqual([a.endpoint]);
    const res = await createClient(EdgeServer, createTransport(again.serverEndpoint)).runLambda({
      name: "clambda0",
    });
    expect(res.output).toBe("A");
  });

  test("with a state file, a restarted controller re-installs peers that never re-announce", async () => {
    const dir = mkdtempSync(join(tmpdir(), "soe-domain-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const stateFile = join(dir, "state.json");
    const controller = await createControllerServer({
      leaseTtlMs: 0,
      installTimeoutMs: 500,
      stateFile,
      logger,
    });
    const router = await startRouter(controller.endpoint);
    // A reference computer: announces once, never again.
    const once = await serve({
      name: "once",
      logger,
      routes: (r) =>
        r.service(EdgeServer, { runLambda: () => ({ retcode: "OK", output: "once" }) }),
    });
    cleanups.push(() => once.close());
    await createClient(EdgeController, createTransport(controller.endpoint)).announceComputer({
      edgeServerEndpoint: once.endpoint,
      containers: [{ name: "c0", processor: "cpu", lambda: "clambda0", numWorkers: 1 }],
    });
    await eventually(() => destinations(router).length === 1);
    await controller.close();
    router.tables.configure({ action: 0, lambda: "", destination: "", weight: 0, final: false });
    expect(destinations(router)).toEqual([]);
    const restarted = await startController(controller.endpoint, stateFile);
    await eventually(() => destinations(router).length === 1);
    expect(destinations(router)).toEqual([once.endpoint]);
    expect(restarted.endpoint).toBe(controller.endpoint);
  });
});
