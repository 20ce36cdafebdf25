// @soe/testing is not among this package's dependencies (the lockfile is not ours to change here):
// its etcd launcher needs node built-ins only, so it is taken from its source.
import { type EtcdServer, startEtcdServer } from "../../../packages/testing/src/etcd-server.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ControllerServer, ControllerServerOptions } from "../src/controller-server.js";
import { StoreUnavailable } from "../src/etcd-store.js";
import { InvalidStateFile } from "../src/state-file.js";
import { createClient } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { startInstallationDouble } from "./installation-double.js";
import {
  cleanupList,
  containers,
  controllerClients,
  eventually,
  startController,
  startTestRouter,
} from "./fixtures.js";

// Two controllers on one real etcd (issue 13): shared membership and desired state, one leader.
let etcd: EtcdServer;
beforeAll(async () => {
  etcd = await startEtcdServer();
}, 60_000);
afterAll(() => etcd?.close());

const cleanup = cleanupList();
afterEach(() => cleanup.run());

let prefixes = 0;
/** Each test in its own key prefix, so tests never see each other's state. */
const freshStore = () => `etcd://${etcd.endpoint}/test-${process.pid}-${++prefixes}`;
const router = async () => cleanup.add(await startTestRouter(), (r) => r.close());
const clients = (endpoint: string) => cleanup.add(controllerClients(endpoint), (c) => c.close());

async function pair(
  store: string,
  leaseTtlMs = 0,
  clock?: () => number,
  options: ControllerServerOptions = {},
): Promise<ControllerServer[]> {
  const started: ControllerServer[] = [];
  for (const controllerId of ["a", "b"]) {
    started.push(
      cleanup.add(
        await startController({
          store,
          leaseTtlMs,
          leaderLeaseS: 2,
          controllerId,
          ...options,
          ...(clock === undefined ? {} : { clock }),
        }),
        (c) => c.close(),
      ),
    );
    // The second starts once the first leads: it must load past the election's keys.
    await eventually(() => expect(started[0]?.leader).toBe(true));
  }
  await eventually(() => expect(started.filter((c) => c.leader)).toHaveLength(1));
  return started;
}

const leaderOf = (controllers: ControllerServer[]) => {
  const leader = controllers.find((c) => c.leader);
  if (leader === undefined) throw new Error("no leader");
  return leader;
};
const standbyOf = (controllers: ControllerServer[]) => {
  const standby = controllers.find((c) => !c.leader);
  if (standby === undefined) throw new Error("no standby");
  return standby;
};

describe("controllers sharing an etcd store", () => {
  it("take announcements at either controller; the leader alone installs them", async () => {
    const controllers = await pair(freshStore());
    const standby = clients(standbyOf(controllers).endpoint);
    const leader = clients(leaderOf(controllers).endpoint);
    const r1 = await router();
    await standby.control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await standby.control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0"),
    });
    await eventually(() => expect(r1.routes()).toEqual(["l0 c1:6473 1 F"]));
    // The leader serves what the standby took, and the standby what the leader took.
    await leader.control.announceComputer({
      edgeServerEndpoint: "c2:6473",
      containers: containers("l1"),
    });
    for (const c of [standby, leader]) {
      await eventually(async () =>
        expect((await c.query.listLambdas({})).lambdas.map((l) => [l.name, l.computers])).toEqual([
          ["l0", ["c1:6473"]],
          ["l1", ["c2:6473"]],
        ]),
      );
    }
    await eventually(() => expect(r1.routes()).toEqual(["l0 c1:6473 1 F", "l1 c2:6473 1 F"]));
    // Only the leader spoke to the router: one flush at its term's start, then one change each.
    expect(r1.log.filter((l) => l === "flush").length).toBeLessThanOrEqual(1);
    // Leadership shows in each controller's /metrics.
    for (const [controller, value] of [
      [leaderOf(controllers), 1],
      [standbyOf(controllers), 0],
    ] as const) {
      const text = await (await fetch(`${controller.url}/metrics`)).text();
      expect(text).toContain(`soe_controller_leader ${value}\n`);
    }
  });

  it("hand the tables to the standby when the leader leaves, which installs new announcements", async () => {
    const controllers = await pair(freshStore());
    const first = leaderOf(controllers);
    const second = standbyOf(controllers);
    const r1 = await router();
    const toSecond = clients(second.endpoint);
    await toSecond.control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await toSecond.control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0"),
    });
    await eventually(() => expect(r1.routes()).toEqual(["l0 c1:6473 1 F"]));
    await first.close();
    await eventually(() => expect(second.leader).toBe(true));
    await toSecond.control.announceComputer({
      edgeServerEndpoint: "c2:6473",
      containers: containers("l0"),
    });
    await eventually(() => expect(r1.routes()).toEqual(["l0 c1:6473 1 F", "l0 c2:6473 1 F"]));
  });

  it("answer a deployment at the standby once the leader installed its routes, not before", async () => {
    const controllers = await pair(freshStore(), 0, undefined, { routesWaitMs: 1_000 });
    const leader = clients(leaderOf(controllers).endpoint);
    // A router that takes nothing for now: the leader cannot install the routes.
    const r1 = cleanup.add(await startTestRouter({ mode: "hang" }), (r) => r.close());
    await leader.control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    // The installation announces its actions to the leader; deployments go to the standby,
    // which installs nothing itself.
    const ow = cleanup.add(
      await startInstallationDouble({ announceTo: leaderOf(controllers).endpoint }),
      (i) => i.close(),
    );
    const transport = cleanup.add(createTransport(standbyOf(controllers).endpoint), (t) =>
      t.close(),
    );
    const deploy = createClient(soev1.DeploymentService, transport);
    await deploy.registerInstallation({
      endpoint: ow.endpoint,
      namespace: "guest",
      labels: {},
      leaseTtlMs: 0,
    });
    const put = (name: string) =>
      deploy.putEntity({
        entity: {
          ref: { kind: soev1.EntityKind.ACTION, namespace: "guest", package: "", name },
          document: new TextEncoder().encode(
            JSON.stringify({ exec: { kind: "nodejs:20", code: name } }),
          ),
        },
      });
    expect((await put("stuck")).outcome).toMatchObject({ applied: 1, routesReady: false });
    r1.mode = "ok";
    expect((await put("routed")).outcome).toMatchObject({ applied: 1, routesReady: true });
    expect(r1.routes()).toContainEqual(expect.stringMatching(/^\/guest\/routed /));
  });

  it("keep a peer's lease alive at every controller while it announces to one", async () => {
    // Both controllers on one hand-driven clock: leases run out when the test says so.
    let now = 0;
    const controllers = await pair(freshStore(), 1_000, () => now);
    const [a, b] = controllers.map((c) => clients(c.endpoint));
    const announce = () =>
      a?.control.announceComputer({ edgeServerEndpoint: "c1:6473", containers: containers("l0") });
    const atB = async () => (await b?.query.listComputers({}))?.computers ?? [];
    await announce();
    await eventually(async () => expect((await atB()).map((c) => c.endpoint)).toEqual(["c1:6473"]));
    now = 800;
    expect((await atB())[0]?.leaseAgeSeconds).toBe(0.8);
    // An identical re-announcement at a changes nothing, yet renews the lease at b too.
    await announce();
    await eventually(async () => expect((await atB())[0]?.leaseAgeSeconds).toBe(0));
    now = 1_500; // past the first lease, within the renewed one
    await b?.control.removeComputer({ edgeServerEndpoint: "unknown:1" }); // collects expired leases
    expect((await atB()).map((c) => c.endpoint)).toEqual(["c1:6473"]);
    now = 2_000; // the renewed lease ran out: b drops it, and so does a (through etcd or itself)
    await b?.control.removeComputer({ edgeServerEndpoint: "unknown:1" });
    expect(await atB()).toEqual([]);
    await eventually(async () =>
      expect((await a?.query.listComputers({}))?.computers ?? []).toEqual([]),
    );
  });

  it("restore membership from etcd on a restart, without any re-announcement", async () => {
    const store = freshStore();
    const r1 = await router();
    const first = await startController({ store, leaseTtlMs: 0, leaderLeaseS: 2 });
    const a = clients(first.endpoint);
    await a.control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await a.control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0"),
    });
    await eventually(() => expect(r1.routes()).toHaveLength(1));
    await first.close();
    const logged = r1.log.length;
    cleanup.add(await startController({ store, leaseTtlMs: 0, leaderLeaseS: 2 }), (c) => c.close());
    await eventually(() =>
      expect(r1.log.slice(logged)).toEqual(["flush", "change l0 c1:6473 1 F"]),
    );
  });

  it("stand by when the leader loses etcd, and keep taking announcements", async () => {
    // An etcd of its own, stopped under the leader.
    const own = await startEtcdServer();
    try {
      const r1 = await router();
      const only = cleanup.add(
        await startController({
          store: `etcd://${own.endpoint}`,
          leaseTtlMs: 0,
          leaderLeaseS: 2,
        }),
        (c) => c.close(),
      );
      await eventually(() => expect(only.leader).toBe(true));
      const a = clients(only.endpoint);
      await a.control.announceRouter({
        edgeServerEndpoint: "r1:6473",
        forwardingTableEndpoint: r1.tableEndpoint,
      });
      await own.close();
      // Its lease cannot be renewed: another controller may lead by now, so it stands by.
      await eventually(() => expect(only.leader).toBe(false), 15_000);
      const text = await (await fetch(`${only.url}/metrics`)).text();
      expect(text).toContain("soe_controller_leader 0\n");
      // Announcements are still taken (written to etcd when it is back) and served.
      await a.control.announceComputer({
        edgeServerEndpoint: "c1:6473",
        containers: containers("l0"),
      });
      expect((await a.query.listLambdas({})).lambdas.map((l) => l.name)).toEqual(["l0"]);
    } finally {
      await own.close();
    }
  }, 30_000);

  it("refuses a state file and a store at once", async () => {
    await expect(
      startController({ store: freshStore(), stateFile: "/tmp/never-written.json" }),
    ).rejects.toThrow(InvalidStateFile);
  });

  it("fails to start, without the password, when etcd cannot be reached", async () => {
    await expect(startController({ store: "etcd://127.0.0.1:1", leaderLeaseS: 2 })).rejects.toThrow(
      StoreUnavailable,
    );
    await expect(
      startController({ store: "etcd://soe:hunter2@127.0.0.1:1", leaderLeaseS: 2 }),
    ).rejects.toThrow(/^(?![\s\S]*hunter2)[\s\S]*etcd:\/\/soe:\*\*\*@127\.0\.0\.1:1/);
  });
});
