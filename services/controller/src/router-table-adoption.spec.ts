import { Code, ConnectError } from "@connectrpc/connect";
import { createLogger } from "@soe/runtime";
import { describe, expect, it, vi } from "vitest";
import { ControlPlane } from "./control-plane.js";
import { EdgeController } from "./edge-controller.js";
import { FlatInstaller } from "./flat-installer.js";
import { RouterInstallQueues } from "./router-install-queue.js";
import { RouterTableAdoption } from "./router-table-adoption.js";
import { RouterTableSync, type TableBatch } from "./router-table-sync.js";
import type { TableRow } from "./table-adoption.js";

const row = (lambda: string, destination: string, final = true): TableRow => ({
  lambda,
  destination,
  final,
});

/**
 * A controller's plane over RouterTableSync with adoption, against fake routers: `tables` is
 * what each router's GetTable answers (or an error), `calls` every call in order.
 */
function setup(tables: Map<string, readonly TableRow[] | Error>) {
  const calls: string[] = [];
  const batches: TableBatch[] = [];
  const controller = new EdgeController({
    installer: new FlatInstaller(),
    clock: () => 0,
    leaseTtlMs: 1_000,
  });
  const adoption = new RouterTableAdoption({
    read: async (router) => {
      calls.push(`read ${router}`);
      const table = tables.get(router) ?? [];
      if (table instanceof Error) throw table;
      return table;
    },
    isRouter: (endpoint) => controller.membership.router(endpoint) !== undefined,
    adopt: (router, computers) => plane.adoptComputers(router, computers),
  });
  const sync = new RouterTableSync({
    send: {
      getVersion: async (router) => {
        calls.push(`probe ${router}`);
        return { epoch: "old", version: 7n };
      },
      applyBatch: async (router, batch) => {
        calls.push(`apply ${router}`);
        batches.push(batch);
        return { epoch: batch.epoch, version: batch.toVersion };
      },
    },
    configure: new RouterInstallQueues({
      timeoutMs: 1_000,
      backoff: { initialMs: 1, maxMs: 1 },
      send: async () => "OK",
    }),
    fullTable: (router) => plane.fullTable(router),
    epoch: "E",
    timeoutMs: 1_000,
    backoff: { initialMs: 1, maxMs: 1, jitter: 0 },
    beforeFirstSync: (router, call) => adoption.beforeFirstSync(router, call),
  });
  const plane = new ControlPlane({
    controller,
    installs: sync,
    logger: createLogger({ name: "test", level: "silent" }),
  });
  /** Every pair the batches left on the router, as `lambda destination`. */
  const routes = () => {
    const held = new Set<string>();
    for (const batch of batches) {
      if (batch.snapshot && batch.fromVersion === 0n) held.clear();
      for (const change of batch.changes) {
        for (const lambda of change.lambdas) {
          const key = `${lambda} ${change.destination}`;
          if (change.remove) held.delete(key);
          else held.add(key);
        }
      }
    }
    return [...held].sort();
  };
  const idle = () => vi.waitFor(() => expect(sync.routers()).toEqual([]));
  return { plane, controller, sync, calls, routes, idle };
}

describe("a controller without a store meeting a router", () => {
  it("reads its table before anything else and keeps the computers it routes to", async () => {
    const tables = new Map([
      ["r1:t", [row("l0", "once:1"), row("l1", "once:1"), row("l0", "r2:6473", false)]],
    ]);
    const { plane, controller, calls, routes, idle } = setup(tables);
    plane.announceComputer("ours:1", [{ name: "c", processor: "", lambda: "l2", numWorkers: 1 }]);
    plane.announceRouter("r1:6473", "r1:t", "boot-1");
    await idle();

    expect(calls.slice(0, 3)).toEqual(["read r1:t", "probe r1:t", "apply r1:t"]);
    expect(routes()).toEqual(["l0 once:1", "l1 once:1", "l2 ours:1"]);
    expect(controller.membership.computer("once:1")).toMatchObject({
      adopted: true,
      lambdas: ["l0", "l1"],
    });
    // a non-final destination is a router, not a computer
    expect(controller.membership.computer("r2:6473")).toBeUndefined();
  });

  it("reads a router's table even when nothing is to be sent to it yet", async () => {
    const { plane, controller, calls, idle } = setup(new Map([["r1:t", [row("l0", "once:1")]]]));
    plane.announceRouter("r1:6473", "r1:t", "");
    await idle();
    expect(calls[0]).toBe("read r1:t");
    expect(controller.membership.computer("once:1")?.adopted).toBe(true);
  });

  it("installs adopted computers on the other routers too, and skips known routers", async () => {
    const tables = new Map([
      ["r1:t", [row("l0", "once:1")]],
      ["r2:t", [row("l0", "once:1"), row("l0", "r1:6473")]],
    ]);
    const { plane, controller, idle } = setup(tables);
    plane.announceRouter("r1:6473", "r1:t", "");
    await idle();
    plane.announceRouter("r2:6473", "r2:t", "");
    await idle();
    expect(controller.membership.computers().map((c) => c.endpoint)).toEqual(["once:1"]);
  });

  it("sends nothing to a router whose table cannot be read, and reads it again", async () => {
    const tables = new Map<string, readonly TableRow[] | Error>([
      ["r1:t", new ConnectError("down", Code.Unavailable)],
    ]);
    const { plane, calls, routes, idle } = setup(tables);
    plane.announceRouter("r1:6473", "r1:t", "");
    await vi.waitFor(() =>
      expect(calls.filter((c) => c === "read r1:t").length).toBeGreaterThanOrEqual(3),
    );
    expect(calls.every((c) => c.startsWith("read"))).toBe(true);
    tables.set("r1:t", [row("l0", "once:1")]);
    await idle();
    expect(routes()).toEqual(["l0 once:1"]);
  });

  it("reads a router once: one that comes back after leaving brings no computer back", async () => {
    const tables = new Map([["r1:t", [row("l0", "once:1")]]]);
    const { plane, controller, calls, idle } = setup(tables);
    plane.announceRouter("r1:6473", "r1:t", "");
    await idle();
    plane.removeComputer("once:1");
    controller.removeRouter("r1:6473");
    plane.removeRouter("r1:6473");
    plane.announceRouter("r1:6473", "r1:t", "");
    await idle();
    expect(calls.filter((c) => c.startsWith("read"))).toEqual(["read r1:t"]);
    expect(controller.membership.computers()).toEqual([]);
  });
});
