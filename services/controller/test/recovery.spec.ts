import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidStateFile } from "../src/state-file.js";
import {
  cleanupList,
  type ControllerClients,
  containers,
  controllerClients,
  eventually,
  startController,
  startTestRouter,
} from "./fixtures.js";

const cleanup = cleanupList();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "soe-controller-"));
});
afterEach(async () => {
  await cleanup.run();
  rmSync(dir, { recursive: true, force: true });
});

const router = async (endpoint?: string) =>
  cleanup.add(await startTestRouter(endpoint === undefined ? {} : { endpoint }), (r) => r.close());
const clients = (endpoint: string) => cleanup.add(controllerClients(endpoint), (c) => c.close());

/** Re-announces like our peers do (every third of the lease), ignoring failures (controller down). */
function keepAnnouncing(periodMs: number, announce: () => Promise<unknown>) {
  const timer = setInterval(() => announce().catch(() => {}), periodMs);
  cleanup.add(timer, clearInterval);
  return announce();
}

describe("leases", () => {
  it("removes an expired computer from every router, and nothing else", async () => {
    const controller = cleanup.add(await startController({ leaseTtlMs: 300 }), (c) => c.close());
    const { control, query } = clients(controller.endpoint);
    const [r1, r2] = [await router(), await router()];
    for (const [name, r] of [
      ["r1", r1],
      ["r2", r2],
    ] as const) {
      await keepAnnouncing(100, () =>
        control.announceRouter({
          edgeServerEndpoint: `${name}:6473`,
          forwardingTableEndpoint: r.tableEndpoint,
        }),
      );
    }
    await keepAnnouncing(100, () =>
      control.announceComputer({ edgeServerEndpoint: "alive:6473", containers: containers("l0") }),
    );
    await control.announceComputer({
      edgeServerEndpoint: "silent:6473",
      containers: containers("l0", "l1"),
    });
    for (const r of [r1, r2]) {
      await eventually(() => {
        expect(r.log).toContain("change l1 silent:6473 1 F");
        expect(r.routes()).toEqual(["l0 alive:6473 1 F"]);
      });
      expect(r.log).toContain("remove l1 silent:6473");
    }
    const { computers } = await query.listComputers({});
    expect(computers.map((c) => c.endpoint)).toEqual(["alive:6473"]);
    expect(computers[0]?.leaseTtlSeconds).toBe(0.3);
    expect((await query.listRouters({})).routers).toHaveLength(2);
  });
});

describe("router restart", () => {
  it("gets its table back by itself when it announces a new boot id", async () => {
    const controller = cleanup.add(await startController(), (c) => c.close());
    const { control } = clients(controller.endpoint);
    const before = await startTestRouter();
    const endpoint = before.tableEndpoint;
    const announce = (bootId: string) =>
      control.announceRouter({
        edgeServerEndpoint: "r1:6473",
        forwardingTableEndpoint: endpoint,
        bootId,
      });
    await announce("boot-1");
    await control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0", "l1"),
    });
    await eventually(() => expect(before.routes()).toHaveLength(2));
    await before.close();

    const after = await router(endpoint); // same end-point, empty table
    await announce("boot-1"); // same boot: a lease refresh, nothing sent
    await announce("boot-2");
    await eventually(() => expect(after.routes()).toEqual(["l0 c1:6473 1 F", "l1 c1:6473 1 F"]));
    expect(after.log).toEqual(["flush", "change l0 c1:6473 1 F", "change l1 c1:6473 1 F"]);
  });

  it("flushes a router that comes back after its lease ran out, dropping routes it missed", async () => {
    const controller = cleanup.add(await startController({ leaseTtlMs: 300 }), (c) => c.close());
    const { control, query } = clients(controller.endpoint);
    const r1 = await router();
    const announceRouter = () =>
      control.announceRouter({
        edgeServerEndpoint: "r1:6473",
        forwardingTableEndpoint: r1.tableEndpoint,
      });
    await announceRouter();
    await keepAnnouncing(100, () =>
      control.announceComputer({ edgeServerEndpoint: "c1:6473", containers: containers("l0") }),
    );
    await control.announceComputer({ edgeServerEndpoint: "c2:6473", containers: containers("l0") });
    await eventually(() => expect(r1.routes()).toHaveLength(2));
    // The router stops announcing (partitioned): it expires, then c2 expires while it is away.
    await eventually(async () => expect((await query.listComputers({})).computers).toHaveLength(1));
    await eventually(async () => expect((await query.listRouters({})).routers).toHaveLength(0));
    expect(r1.routes()).toHaveLength(2); // nobody told it
    await announceRouter();
    await eventually(() => expect(r1.routes()).toEqual(["l0 c1:6473 1 F"]));
    expect(r1.log.slice(-2)).toEqual(["flush", "change l0 c1:6473 1 F"]);
  });
});

describe("controller restart", () => {
  it("re-installs every router from the state file, without any re-announcement", async () => {
    const stateFile = join(dir, "state.json");
    const first = await startController({ leaseTtlMs: 0, stateFile });
    const a = clients(first.endpoint);
    const [r1, r2] = [await router(), await router()];
    await a.control.announceRouter({
      edgeServerEndpoint: "r1:6473",
      forwardingTableEndpoint: r1.tableEndpoint,
    });
    await a.control.announceRouter({
      edgeServerEndpoint: "r2:6473",
      forwardingTableEndpoint: r2.tableEndpoint,
    });
    await a.control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0", "l1"),
    });
    await a.control.announceComputer({
      edgeServerEndpoint: "c2:6473",
      containers: containers("l1"),
    });
    await eventually(() => expect(r2.routes()).toHaveLength(3));
    await first.close();
    expect(JSON.parse(readFileSync(stateFile, "utf8")).computers).toHaveLength(2);

    const logged = [r1.log.length, r2.log.length];
    const second = cleanup.add(await startController({ leaseTtlMs: 0, stateFile }), (c) =>
      c.close(),
    );
    const expected = [
      "flush",
      "change l0 c1:6473 1 F",
      "change l1 c1:6473 1 F",
      "change l1 c2:6473 1 F",
    ];
    await eventually(() => expect(r1.log.slice(logged[0])).toEqual(expected));
    await eventually(() => expect(r2.log.slice(logged[1])).toEqual(expected));
    const b = clients(second.endpoint);
    expect((await b.query.listLambdas({})).lambdas.map((l) => [l.name, l.computers])).toEqual([
      ["l0", ["c1:6473"]],
      ["l1", ["c1:6473", "c2:6473"]],
    ]);
  });

  it("rebuilds its state from re-announcements within one lease, without a state file", async () => {
    const leaseTtlMs = 600;
    const first = await startController({ leaseTtlMs, serverEndpoint: "127.0.0.1:0" });
    const endpoint = first.endpoint;
    let peers: ControllerClients = clients(endpoint);
    const r1 = await router();
    const announceAll = async () => {
      await peers.control.announceRouter({
        edgeServerEndpoint: "r1:6473",
        forwardingTableEndpoint: r1.tableEndpoint,
      });
      await peers.control.announceComputer({
        edgeServerEndpoint: "c1:6473",
        containers: containers("l0"),
      });
    };
    await keepAnnouncing(leaseTtlMs / 3, announceAll);
    await eventually(() => expect(r1.routes()).toEqual(["l0 c1:6473 1 F"]));
    await first.close();

    const second = cleanup.add(
      await startController({ leaseTtlMs, serverEndpoint: endpoint }),
      (c) => c.close(),
    );
    peers = clients(second.endpoint);
    const { query } = clients(second.endpoint);
    await eventually(async () => {
      expect((await query.listComputers({})).computers.map((c) => c.endpoint)).toEqual(["c1:6473"]);
      expect((await query.listRouters({})).routers.map((r) => r.lambdaEndpoint)).toEqual([
        "r1:6473",
      ]);
    });
    expect(r1.routes()).toEqual(["l0 c1:6473 1 F"]);
  });

  it("refuses to start on a corrupted state file", async () => {
    const stateFile = join(dir, "state.json");
    writeFileSync(stateFile, '{"version":1,"computers":[{"endpoint":');
    await expect(startController({ stateFile })).rejects.toThrow(InvalidStateFile);
    expect(readFileSync(stateFile, "utf8")).toBe('{"version":1,"computers":[{"endpoint":'); // untouched
  });

  it("refuses to start when the state file cannot be written", async () => {
    const stateFile = join(dir, "no-such-dir", "state.json");
    await expect(startController({ stateFile })).rejects.toThrow(`${stateFile}: cannot write`);
  });
});
