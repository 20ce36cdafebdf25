import { afterEach, describe, expect, it } from "vitest";
import type { ControllerServerOptions } from "../src/controller-server.js";
import {
  cleanupList,
  containers,
  controllerClients,
  eventually,
  freePort,
  type RouterMode,
  startController,
  startTestRouter,
} from "./fixtures.js";

const cleanup = cleanupList();
afterEach(() => cleanup.run());

async function setup(options: ControllerServerOptions = {}) {
  const controller = cleanup.add(await startController(options), (c) => c.close());
  const clients = cleanup.add(controllerClients(controller.endpoint, options.token), (c) =>
    c.close(),
  );
  return { controller, ...clients };
}

async function router(
  mode: RouterMode = "ok",
  options: { endpoint?: string; token?: string } = {},
) {
  return cleanup.add(await startTestRouter({ mode, ...options }), (r) => r.close());
}

describe("forwarding-table installation (flat)", () => {
  it("installs every computer as a final route with weight 1 on every router", async () => {
    const { control, query } = await setup();
    const r1 = await router();
    await control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0", "l1"),
    });
    await control.announceComputer({ edgeServerEndpoint: "c2:6473", containers: containers("l1") });
    // A router announced later gets every known pair in one batch (reference §2.6).
    const r2 = await router();
    await control.announceRouter({
      edgeServerEndpoint: "r2:6473",
      forwardingTableEndpoint: r2.tableEndpoint,
    });

    const expected = ["l0 c1:6473 1 F", "l1 c1:6473 1 F", "l1 c2:6473 1 F"];
    await eventually(() => expect(r1.routes()).toEqual(expected));
    await eventually(() => expect(r2.routes()).toEqual(expected));
    expect(r2.log).toEqual([
      "change l0 c1:6473 1 F",
      "change l1 c1:6473 1 F",
      "change l1 c2:6473 1 F",
    ]);

    const { lambdas } = await query.listLambdas({});
    expect(lambdas.map((l) => [l.name, l.computers])).toEqual([
      ["l0", ["c1:6473"]],
      ["l1", ["c1:6473", "c2:6473"]],
    ]);
    const { computers } = await query.listComputers({});
    expect(
      computers.map((c) => [c.endpoint, c.containers.map((k) => k.lambda), c.leaseTtlSeconds]),
    ).toEqual([
      ["c1:6473", ["l0", "l1"], 15],
      ["c2:6473", ["l1"], 15],
    ]);
    const { routers } = await query.listRouters({});
    expect(
      routers.map((r) => [
        r.lambdaEndpoint,
        r.tableEndpoint,
        r.pendingOperations,
        r.failedAttempts,
      ]),
    ).toEqual([
      ["r1:6473", r1.tableEndpoint, 0, 0],
      ["r2:6473", r2.tableEndpoint, 0, 0],
    ]);
  });

  it("sends nothing for identical re-announcements", async () => {
    const { control } = await setup();
    const r1 = await router();
    const announceRouter = () =>
      control.announceRouter({
        edgeServerEndpoint: "r1:6473",
        forwardingTableEndpoint: r1.tableEndpoint,
        bootId: "b1",
      });
    const announceComputer = () =>
      control.announceComputer({ edgeServerEndpoint: "c1:6473", containers: containers("l0") });
    await announceRouter();
    await announceComputer();
    await eventually(() => expect(r1.log).toEqual(["change l0 c1:6473 1 F"]));
    for (let i = 0; i < 5; i++) {
      await announceComputer();
      await announceRouter();
    }
    // A router's operations go out in order: once this one arrived, anything sent before is in the log.
    await control.announceComputer({ edgeServerEndpoint: "c2:6473", containers: containers("l9") });
    await eventually(() =>
      expect(r1.log).toEqual(["change l0 c1:6473 1 F", "change l9 c2:6473 1 F"]),
    );
  });

  it("replaces a computer whose containers changed: old routes removed, then the new ones", async () => {
    const { control } = await setup();
    const r1 = await router();
    await control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0", "l1"),
    });
    await control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l1", "l2"),
    });
    await eventually(() => expect(r1.routes()).toEqual(["l1 c1:6473 1 F", "l2 c1:6473 1 F"]));
    expect(r1.log).toEqual([
      "change l0 c1:6473 1 F",
      "change l1 c1:6473 1 F",
      "remove l0 c1:6473",
      "remove l1 c1:6473",
      "change l1 c1:6473 1 F",
      "change l2 c1:6473 1 F",
    ]);
  });

  it("removes a computer's routes from every router on RemoveComputer", async () => {
    const { control, query } = await setup();
    const [r1, r2] = [await router(), await router()];
    for (const [name, r] of [
      ["r1", r1],
      ["r2", r2],
    ] as const) {
      await control.announceRouter({
        edgeServerEndpoint: `${name}:6473`,
        forwardingTableEndpoint: r.tableEndpoint,
      });
    }
    await control.announceComputer({ edgeServerEndpoint: "c1:6473", containers: containers("l0") });
    await control.announceComputer({ edgeServerEndpoint: "c2:6473", containers: containers("l0") });
    await control.removeComputer({ edgeServerEndpoint: "c1:6473" });
    await control.removeComputer({ edgeServerEndpoint: "unknown:6473" }); // harmless
    for (const r of [r1, r2]) {
      await eventually(() => expect(r.routes()).toEqual(["l0 c2:6473 1 F"]));
      expect(r.log).toContain("remove l0 c1:6473");
    }
    expect((await query.listComputers({})).computers.map((c) => c.endpoint)).toEqual(["c2:6473"]);
  });

  it("does not let a router that never answers delay another router", async () => {
    // A deadline far longer than the test: the fast router must not wait for it even once.
    const { control, query } = await setup({ installTimeoutMs: 60_000 });
    const slow = await router("hang");
    const fast = await router();
    await control.announceRouter({
      edgeServerEndpoint: "a-slow:6473",
      forwardingTableEndpoint: slow.tableEndpoint,
    });
    await control.announceRouter({
      edgeServerEndpoint: "b-fast:6473",
      forwardingTableEndpoint: fast.tableEndpoint,
    });
    await control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0", "l1"),
    });
    await eventually(() => expect(fast.routes()).toEqual(["l0 c1:6473 1 F", "l1 c1:6473 1 F"]));
    const { routers } = await query.listRouters({});
    expect(routers.map((r) => [r.lambdaEndpoint, r.pendingOperations, r.failedAttempts])).toEqual([
      ["a-slow:6473", 2, 0], // its first call still within its deadline
      ["b-fast:6473", 0, 0],
    ]);
    expect(slow.log).toEqual([]);
  });

  it("retries a router that timed out until it answers", async () => {
    const { control, query } = await setup({ installTimeoutMs: 200 });
    const slow = await router("hang");
    await control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: slow.tableEndpoint,
    });
    await control.announceComputer({ edgeServerEndpoint: "c1:6473", containers: containers("l0") });
    await eventually(async () => {
      const [r] = (await query.listRouters({})).routers;
      expect(r?.failedAttempts).toBeGreaterThanOrEqual(2);
      expect(r?.pendingOperations).toBe(1);
    });
    slow.mode = "ok";
    await eventually(() => expect(slow.routes()).toEqual(["l0 c1:6473 1 F"]));
    await eventually(async () =>
      expect((await query.listRouters({})).routers[0]).toMatchObject({
        pendingOperations: 0,
        failedAttempts: 0,
      }),
    );
  });

  it("installs the routes of a router that was down when announced, once it is up", async () => {
    const { control, query } = await setup();
    const endpoint = `127.0.0.1:${await freePort()}`;
    await control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: endpoint,
    });
    await control.announceComputer({ edgeServerEndpoint: "c1:6473", containers: containers("l0") });
    await eventually(async () =>
      expect((await query.listRouters({})).routers[0]?.failedAttempts).toBeGreaterThanOrEqual(2),
    );
    const late = await router("ok", { endpoint });
    await eventually(() => expect(late.routes()).toEqual(["l0 c1:6473 1 F"]));
  });

  it("moves on when a router answers with an error text", async () => {
    const { control, query } = await setup();
    const r1 = await router("error-text");
    await control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0", "l1"),
    });
    await eventually(async () =>
      expect((await query.listRouters({})).routers[0]).toMatchObject({
        pendingOperations: 0,
        failedAttempts: 0,
      }),
    );
    r1.mode = "ok";
    await control.announceComputer({ edgeServerEndpoint: "c2:6473", containers: containers("l2") });
    await eventually(() => expect(r1.log).toEqual(["change l2 c2:6473 1 F"]));
  });
});
