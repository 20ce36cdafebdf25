import { Code, ConnectError } from "@connectrpc/connect";
import { EdgeRouterConf_Action } from "@soe/proto";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { ControlPlane } from "./control-plane.js";
import { EdgeController } from "./edge-controller.js";
import { FlatInstaller } from "./flat-installer.js";
import { HierInstaller } from "./hier-installer.js";
import type { Installer } from "./installer.js";
import type { Container } from "./membership.js";
import { RouterInstallQueues } from "./router-install-queue.js";
import { RouterTableSync } from "./router-table-sync.js";
import { Topology } from "./topology.js";

const containers = (...lambdas: string[]): Container[] =>
  lambdas.map((lambda) => ({ name: "c", processor: "cpu", lambda, numWorkers: 1 }));

/** A control plane whose routers answer at once, except those listed in `down`. */
function setup(options: { leaseTtlMs?: number; installer?: Installer } = {}) {
  const time = { now: 0 };
  const sent = new Map<string, string[]>();
  const down = new Set<string>();
  let changes = 0;
  const controller = new EdgeController({
    installer: options.installer ?? new FlatInstaller(),
    clock: () => time.now,
    leaseTtlMs: options.leaseTtlMs ?? 0,
  });
  const queues = new RouterInstallQueues({
    timeoutMs: 1_000,
    backoff: { initialMs: 60_000, maxMs: 60_000 }, // no retry within a test
    send: async (router, conf) => {
      if (down.has(router)) throw new ConnectError("refused", Code.Unavailable);
      const action = EdgeRouterConf_Action[conf.action].toLowerCase();
      const text =
        conf.action === EdgeRouterConf_Action.FLUSH
          ? action
          : `${action} ${conf.lambda} ${conf.destination}`;
      sent.set(router, [...(sent.get(router) ?? []), text]);
      return "OK";
    },
  });
  // Reference routers: no TableSyncService, so every operation goes through the Configure queues.
  const installs = new RouterTableSync({
    send: {
      applyBatch: () => Promise.reject(new ConnectError("no", Code.Unimplemented)),
      getVersion: (router) =>
        down.has(router)
          ? Promise.reject(new ConnectError("refused", Code.Unavailable))
          : Promise.reject(new ConnectError("no", Code.Unimplemented)),
    },
    configure: queues,
    fullTable: (router) => plane.fullTable(router),
    epoch: "e",
    timeoutMs: 1_000,
    backoff: { initialMs: 60_000, maxMs: 60_000 },
  });
  const plane: ControlPlane = new ControlPlane({
    controller,
    installs,
    logger: createLogger({ name: "test", level: "silent" }),
    onMembershipChange: () => changes++,
  });
  const settled = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  /** What each router received since the last call. */
  const take = async (router: string) => {
    await settled();
    const ops = sent.get(router) ?? [];
    sent.delete(router);
    return ops;
  };
  return { time, plane, queues, down, take, changes: () => changes, close: () => installs.close() };
}

describe("ControlPlane", () => {
  it("re-installs a router that announces a new boot id, and only then", async () => {
    const s = setup();
    s.plane.announceRouter("r:6473", "r:6474", "boot-1");
    s.plane.announceComputer("c:6473", containers("l0"));
    expect(await s.take("r:6474")).toEqual(["change l0 c:6473"]);
    s.plane.announceRouter("r:6473", "r:6474", "boot-1");
    s.plane.announceRouter("r:6473", "r:6474", ""); // a reference router's announcement
    expect(await s.take("r:6474")).toEqual([]);
    s.plane.announceRouter("r:6473", "r:6474", "boot-2");
    expect(await s.take("r:6474")).toEqual(["flush", "change l0 c:6473"]);
    await s.close();
  });

  it("takes the first boot id it hears as the router's, without re-installing", async () => {
    const s = setup();
    s.plane.announceRouter("r:6473", "r:6474", "");
    s.plane.announceComputer("c:6473", containers("l0"));
    s.plane.announceRouter("r:6473", "r:6474", "boot-1");
    expect(await s.take("r:6474")).toEqual(["change l0 c:6473"]);
    await s.close();
  });

  it("flushes a router that returns after its registration expired", async () => {
    const s = setup({ leaseTtlMs: 1_000 });
    s.plane.announceRouter("r:6473", "r:6474", "boot-1");
    s.plane.announceComputer("c:6473", containers("l0"));
    expect(await s.take("r:6474")).toEqual(["change l0 c:6473"]);
    s.time.now = 1_500;
    s.plane.expire();
    expect(s.plane.controller.membership.routers()).toEqual([]);
    s.plane.announceComputer("c:6473", containers("l0"));
    s.plane.announceRouter("r:6473", "r:6474", "boot-1");
    expect(await s.take("r:6474")).toEqual(["flush", "change l0 c:6473"]);
    await s.close();
  });

  it("drops the queue of a router whose lease ran out while it was failing", async () => {
    const s = setup({ leaseTtlMs: 1_000 });
    s.down.add("r:6474");
    s.plane.announceRouter("r:6473", "r:6474", "");
    s.plane.announceComputer("c:6473", containers("l0", "l1"));
    await s.take("r:6474");
    expect(s.plane.routerStatus("r:6474")).toEqual({ pending: 2, failures: 1 });
    s.time.now = 1_500;
    s.plane.expire();
    expect(s.plane.routerStatus("r:6474")).toEqual({ pending: 0, failures: 0 });
    await s.close();
  });

  it("restores a saved membership and re-installs every router from scratch", async () => {
    const s = setup();
    s.plane.restore({
      computers: [
        { endpoint: "c1:6473", containers: containers("l0") },
        { endpoint: "c2:6473", containers: containers("l1") },
      ],
      routers: [
        { lambdaEndpoint: "r1:6473", tableEndpoint: "r1:6474" },
        { lambdaEndpoint: "r2:6473", tableEndpoint: "r2:6474" },
      ],
    });
    const expected = ["flush", "change l0 c1:6473", "change l1 c2:6473"];
    expect(await s.take("r1:6474")).toEqual(expected);
    expect(await s.take("r2:6474")).toEqual(expected);
    await s.close();
  });

  it("skips saved registrations that cannot be placed any more (hier)", async () => {
    const topology = Topology.parse("h0 0 1\nh1 1 0");
    const installer = new HierInstaller({ rng: () => 0, topology, objective: "min-max" });
    const s = setup({ installer });
    s.plane.restore({
      computers: [
        { endpoint: "h1:7000", containers: containers("l0") },
        { endpoint: "gone:7000", containers: containers("l1") },
      ],
      routers: [
        { lambdaEndpoint: "h0:6473", tableEndpoint: "t0:6474" },
        { lambdaEndpoint: "h1:6473", tableEndpoint: "t1:6474" },
      ],
    });
    expect(s.plane.controller.membership.computers().map((c) => c.endpoint)).toEqual(["h1:7000"]);
    expect(await s.take("t0:6474")).toEqual(["flush", "change l0 h1:6473"]);
    expect(await s.take("t1:6474")).toEqual(["flush", "change l0 h1:7000"]);
    await s.close();
  });

  it("lets a hier reset supersede what is still queued", async () => {
    const topology = Topology.parse("h0 0 1\nh1 1 0");
    const installer = new HierInstaller({ rng: () => 0, topology, objective: "min-max" });
    const s = setup({ installer });
    s.down.add("t0:6474");
    s.plane.announceRouter("h0:6473", "t0:6474", "");
    s.plane.announceComputer("h0:7000", containers("l0", "l1"));
    await s.take("t0:6474");
    expect(s.plane.routerStatus("t0:6474").pending).toBe(3); // flush + two changes, stuck
    s.plane.announceRouter("h1:6473", "t1:6474", ""); // reset: flush everyone, rebuild
    expect(s.plane.routerStatus("t0:6474").pending).toBe(3); // replaced, not appended
    expect(await s.take("t1:6474")).toEqual(["flush", "change l0 h0:6473", "change l1 h0:6473"]);
    await s.close();
  });

  it("tells the state file about membership changes, not about lease refreshes", async () => {
    const s = setup();
    s.plane.announceComputer("c:6473", containers("l0"));
    s.plane.announceComputer("c:6473", containers("l0"));
    s.plane.removeComputer("unknown:6473");
    expect(s.changes()).toBe(1);
    s.plane.removeComputer("c:6473");
    expect(s.changes()).toBe(2);
    await s.close();
  });
});
