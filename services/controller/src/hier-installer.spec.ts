import { describe, expect, it } from "vitest";
import { type ControllerOutcome, EdgeController } from "./edge-controller.js";
import { HierInstaller } from "./hier-installer.js";
import type { HierObjective } from "./home-router.js";
import { formatInstallStep } from "./install-plan.js";
import { replayPlan } from "../test/install-replay.js";
import { formatMembership } from "./membership-records.js";
import type { Container } from "./membership.js";
import { InvalidNode, Topology } from "./topology.js";

const makeContainers = (n: number, from = 0): Container[] =>
  Array.from({ length: n }, (_, i) => ({
    name: "cont0",
    processor: "cpu0",
    lambda: `lambda${from + i}`,
    numWorkers: 2,
  }));

/*
 * The reference's test topology (Test/testedgecontrollerhier.cpp):
 *
 *   host0
 *        \
 *         +- host2 -- host3 -- host4
 *        /
 *   host1
 */
const makeTopology = () =>
  Topology.parse(
    "host0 0 2 1 2 3\n" +
      "host1 2 0 1 2 3\n" +
      "host2 1 1 0 1 2\n" +
      "host3 2 2 1 0 1\n" +
      "host4 3 3 2 1 0\n",
  );

/** A controller in reference mode (failed routers are forgotten) with a recording replay. */
const setup = (options: { rng?: () => number; forgetFailedRouters?: boolean } = {}) => {
  const installer = new HierInstaller({ rng: options.rng ?? (() => 0) });
  const controller = new EdgeController({
    installer,
    clock: () => 0,
    leaseTtlMs: 0,
    forgetFailedRouters: options.forgetFailedRouters ?? true,
  });
  const state = { log: "", disconnected: "" };
  const send = (outcome: ControllerOutcome) => {
    const reachable = (r: string) => state.disconnected !== "*" && r !== state.disconnected;
    for (const step of replayPlan(controller, outcome.plan, reachable)) {
      state.log += `${formatInstallStep(step)}\n`;
    }
  };
  const take = () => {
    const log = state.log;
    state.log = "";
    return log;
  };
  return {
    installer,
    controller,
    state,
    take,
    announceComputer: (ep: string, containers: Container[]) =>
      send(controller.announceComputer(ep, containers)),
    announceRouter: (lambdaEp: string, tableEp: string) =>
      send(controller.announceRouter(lambdaEp, tableEp)),
    removeComputer: (ep: string) => send(controller.removeComputer(ep)),
  };
};

const ready = (objective: HierObjective = "min-max", rng?: () => number) => {
  const c = setup(rng === undefined ? {} : { rng });
  c.installer.loadTopology(makeTopology());
  c.installer.setObjective(objective);
  return c;
};

// reference §2.7 / §10: Test/testedgecontrollerhier.cpp testRegular. The services:
//   host0: computers at 10000 (lambda0, lambda1) and 10001 (lambda0); host1: computer at 10000
//   (lambda1); host2: router 6473/6474; host4: computer at 10000 (lambda0, lambda1) and routers
//   6473/6474 and 16473/16474.
describe.each([
  ["min-max", 0, "host4:16473"],
  ["min-max", 0.99, "host4:6473"],
  ["min-avg", 0, "host4:16473"],
  ["min-avg", 0.99, "host4:6473"],
] as const)(
  "HierInstaller, %s objective, rng %d (home of host4:10000: %s)",
  (objective, draw, host4Home) => {
    it("reproduces the reference's traces (with the home-removal end-point fixed)", () => {
      const c = ready(objective, () => draw);

      c.announceRouter("host2:6473", "host2:6474");
      expect(c.take()).toBe("flush host2:6474\n");
      c.announceRouter("host4:6473", "host4:6474");
      expect(c.take()).toBe("flush host2:6474\nflush host4:6474\n");
      c.announceRouter("host4:16473", "host4:16474");
      expect(c.take()).toBe("flush host2:6474\nflush host4:16474\nflush host4:6474\n");

      c.announceComputer("host0:10000", makeContainers(2, 0));
      expect(c.take()).toBe(
        "host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F\n" +
          "host4:16474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n" +
          "host4:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n",
      );
      c.announceComputer("host0:10001", makeContainers(1, 0));
      expect(c.take()).toBe("host2:6474: lambda0,host0:10001,1,F\n");
      c.announceComputer("host1:10000", makeContainers(1, 1));
      expect(c.take()).toBe("host2:6474: lambda1,host1:10000,1,F\n");

      // the reference accepts either host4 router; our rng decides which
      c.announceComputer("host4:10000", makeContainers(2, 0));
      expect(c.take()).toBe(
        host4Home === "host4:6473"
          ? "host4:6474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n" +
              "host2:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n" +
              "host4:16474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n"
          : "host4:16474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n" +
              "host2:6474: lambda0,host4:16473,1, lambda1,host4:16473,1,\n" +
              "host4:6474: lambda0,host4:16473,1, lambda1,host4:16473,1,\n",
      );

      // a router fails: it is removed, and all tables are flushed and rebuilt without it
      c.state.disconnected = "host4:16474";
      c.announceComputer("host0:10002", makeContainers(1, 2));
      expect(c.take()).toBe(
        "host2:6474: lambda2,host0:10002,1,F\n" +
          "flush host2:6474\n" +
          "flush host4:6474\n" +
          "host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F\n" +
          "host4:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n" +
          "host2:6474: lambda0,host0:10001,1,F\n" +
          "host2:6474: lambda2,host0:10002,1,F\n" +
          "host4:6474: lambda2,host2:6473,1,\n" +
          "host2:6474: lambda1,host1:10000,1,F\n" +
          "host4:6474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n" +
          "host2:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n",
      );

      // a new router: again a full reset of every table
      c.announceRouter("host1:6473", "host1:6474");
      expect(c.take()).toBe(
        "flush host1:6474\n" +
          "flush host2:6474\n" +
          "flush host4:6474\n" +
          "host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F\n" +
          "host1:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n" +
          "host4:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n" +
          "host2:6474: lambda0,host0:10001,1,F\n" +
          "host2:6474: lambda2,host0:10002,1,F\n" +
          "host1:6474: lambda2,host2:6473,1,\n" +
          "host4:6474: lambda2,host2:6473,1,\n" +
          "host1:6474: lambda1,host1:10000,1,F\n" +
          "host2:6474: lambda1,host1:6473,1,\n" +
          "host4:6474: lambda1,host1:6473,1,\n" +
          "host4:6474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n" +
          "host1:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n" +
          "host2:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n",
      );

      // Removals, one computer at a time. Fix (reference §12.2): the home router's removal goes to
      // its table end-point — the reference's trace has `del host2:6473 host0:10000 lambda0` etc.
      c.removeComputer("host0:10000");
      expect(c.take()).toBe(
        "del host2:6474 host0:10000 lambda0\n" +
          "del host2:6474 host0:10000 lambda1\n" +
          "del host1:6474 host2:6473 lambda1\n" +
          "del host4:6474 host2:6473 lambda1\n",
      );
      c.removeComputer("host0:10001");
      expect(c.take()).toBe(
        "del host2:6474 host0:10001 lambda0\n" +
          "del host1:6474 host2:6473 lambda0\n" +
          "del host4:6474 host2:6473 lambda0\n",
      );
      c.removeComputer("host0:10002");
      expect(c.take()).toBe(
        "del host2:6474 host0:10002 lambda2\n" +
          "del host1:6474 host2:6473 lambda2\n" +
          "del host4:6474 host2:6473 lambda2\n",
      );
      c.removeComputer("host1:10000");
      expect(c.take()).toBe(
        "del host1:6474 host1:10000 lambda1\n" +
          "del host2:6474 host1:6473 lambda1\n" +
          "del host4:6474 host1:6473 lambda1\n",
      );
      c.removeComputer("host4:10000");
      expect(c.take()).toBe(
        "del host4:6474 host4:10000 lambda0\n" +
          "del host1:6474 host4:6473 lambda0\n" +
          "del host2:6474 host4:6473 lambda0\n" +
          "del host4:6474 host4:10000 lambda1\n" +
          "del host1:6474 host4:6473 lambda1\n" +
          "del host2:6474 host4:6473 lambda1\n",
      );
    });
  },
);

describe("HierInstaller", () => {
  // reference §10: test_computer_changes_lambdas (home-removal end-point fixed)
  it("removes the old lambdas of a computer that changes them, then installs the new ones", () => {
    const c = ready();
    c.announceRouter("host0:6473", "host0:6474");
    c.announceRouter("host4:6473", "host4:6474");
    c.announceComputer("host0:10000", makeContainers(1, 0));
    expect(c.take()).toBe(
      "flush host0:6474\n" +
        "flush host0:6474\n" +
        "flush host4:6474\n" +
        "host0:6474: lambda0,host0:10000,1,F\n" +
        "host4:6474: lambda0,host0:6473,1,\n",
    );

    c.announceComputer("host0:10000", makeContainers(1, 1));
    expect(c.take()).toBe(
      "del host0:6474 host0:10000 lambda0\n" + // reference: del host0:6473 …
        "del host4:6474 host0:6473 lambda0\n" +
        "host0:6474: lambda1,host0:10000,1,F\n" +
        "host4:6474: lambda1,host0:6473,1,\n",
    );
  });

  // reference §12.2: with the bug, the first removal goes to host0:6473, where no EdgeRouter
  // answers; the home router is then dropped and every table rebuilt without it.
  it("keeps the home router when one of its computers leaves (home-removal bug fixed)", () => {
    const c = ready();
    c.announceRouter("host0:6473", "host0:6474");
    c.announceRouter("host4:6473", "host4:6474");
    c.announceComputer("host0:10000", makeContainers(1, 0));
    c.take();
    // Only forwarding-table end-points serve EdgeRouter, as with real gRPC servers.
    const served = new Set(c.controller.membership.routers().map((r) => r.tableEndpoint));
    const outcome = c.controller.removeComputer("host0:10000");
    const delivered = replayPlan(c.controller, outcome.plan, (r) => served.has(r));
    expect(delivered.map(formatInstallStep)).toEqual([
      "del host0:6474 host0:10000 lambda0",
      "del host4:6474 host0:6473 lambda0",
    ]);
    expect(c.controller.membership.routers().map((r) => r.lambdaEndpoint)).toEqual([
      "host0:6473",
      "host4:6473",
    ]);
  });

  // reference §10: test_all_routers_down (reference mode)
  it("drops every router when all fail, keeping the computers", () => {
    const c = ready();
    for (const host of ["host0", "host1", "host2", "host3", "host4"]) {
      c.announceRouter(`${host}:6473`, `${host}:6474`);
      c.announceRouter(`${host}:16473`, `${host}:16474`);
    }
    c.announceComputer("host0:10000", makeContainers(1, 0));
    c.take();

    c.state.disconnected = "*";
    c.announceComputer("host0:10001", makeContainers(1, 0));
    expect(c.take()).toBe("");
    expect(formatMembership(c.controller.membership)).toBe(
      "computer host0:10000\n" +
        "cont0: processor cpu0, lambda lambda0, #workers 2\n" +
        "computer host0:10001\n" +
        "cont0: processor cpu0, lambda lambda0, #workers 2\n",
    );
  });

  it("keeps a failing router by default: no reset, the I/O layer retries it", () => {
    const c = setup({ forgetFailedRouters: false });
    c.installer.loadTopology(makeTopology());
    c.installer.setObjective("min-max");
    c.announceRouter("host2:6473", "host2:6474");
    c.announceRouter("host4:6473", "host4:6474");
    c.take();
    c.state.disconnected = "host4:6474";
    c.announceComputer("host0:10000", makeContainers(1, 0));
    expect(c.take()).toBe("host2:6474: lambda0,host0:10000,1,F\n");
    expect(c.controller.membership.routers()).toHaveLength(2);
  });

  // reference §10: test_dup_topology, test_dup_objective
  it("refuses a second topology or objective", () => {
    const c = setup();
    c.installer.loadTopology(makeTopology());
    expect(() => c.installer.loadTopology(makeTopology())).toThrow();
    c.installer.setObjective("min-max");
    expect(() => c.installer.setObjective("min-max")).toThrow();
  });

  // reference §10: test_cannot_announce_computer_without_topology / _without_objective
  it.each(["topology", "objective"] as const)(
    "refuses computers without a %s, registering nothing",
    (missing) => {
      const c = setup();
      if (missing === "topology") c.installer.setObjective("min-max");
      else c.installer.loadTopology(makeTopology());
      c.announceRouter("host3:6473", "host3:6474");
      c.take();
      expect(() => c.announceComputer("host0:6473", makeContainers(1))).toThrow();
      expect(c.controller.membership.computers()).toEqual([]);

      if (missing === "topology") c.installer.loadTopology(makeTopology());
      else c.installer.setObjective("min-max");
      // Divergence: the reference had registered the computer on the failed attempt, so this
      // identical announcement was a no-op there and nothing got installed.
      c.announceComputer("host0:6473", makeContainers(1));
      expect(c.take()).toBe("host3:6474: lambda0,host0:6473,1,F\n");
    },
  );

  // reference §10: test_unknown_address
  it("refuses computers and routers at addresses outside the topology", () => {
    const c = ready();
    c.announceRouter("host3:6473", "host3:6474");
    expect(() => c.announceComputer("host666:6473", makeContainers(1))).toThrow(InvalidNode);

    const d = ready();
    d.announceComputer("host0:6473", makeContainers(1));
    expect(() => d.announceRouter("host666:6473", "host666:6474")).toThrow(InvalidNode);
    expect(d.controller.membership.routers()).toEqual([]); // not half-registered
  });

  it("does not reset on an identical router announcement, but does on a new table end-point", () => {
    const c = ready();
    c.announceRouter("host2:6473", "host2:6474");
    c.announceComputer("host0:10000", makeContainers(1, 0));
    c.take();
    c.announceRouter("host2:6473", "host2:6474");
    expect(c.take()).toBe("");
    c.announceRouter("host2:6473", "host2:7474");
    expect(c.take()).toBe("flush host2:7474\nhost2:7474: lambda0,host0:10000,1,F\n");
  });

  it("rebuilds all tables when a router's lease expires", () => {
    const time = { now: 0 };
    const installer = new HierInstaller({
      rng: () => 0,
      topology: makeTopology(),
      objective: "min-max",
    });
    const controller = new EdgeController({ installer, clock: () => time.now, leaseTtlMs: 15_000 });
    controller.announceRouter("host2:6473", "host2:6474");
    controller.announceComputer("host0:10000", makeContainers(1, 0));
    time.now = 10_000;
    controller.announceRouter("host4:6473", "host4:6474");
    controller.announceComputer("host0:10000", makeContainers(1, 0)); // lease refresh
    time.now = 15_000;
    const outcome = controller.expire();
    expect(outcome.plan.reset).toBe(true);
    expect(outcome.plan.steps.map(formatInstallStep)).toEqual([
      "flush host4:6474",
      "host4:6474: lambda0,host0:10000,1,F",
    ]);
  });

  it("re-installs one router from scratch on resync", () => {
    const c = ready();
    c.announceRouter("host2:6473", "host2:6474");
    c.announceRouter("host4:6473", "host4:6474");
    c.announceComputer("host0:10000", makeContainers(2, 0));
    c.announceComputer("host4:10000", makeContainers(1, 1));
    expect(c.controller.resyncRouter("host2:6474").steps.map(formatInstallStep)).toEqual([
      "flush host2:6474",
      "host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F lambda1,host4:6473,1,",
    ]);
    expect(c.controller.resyncRouter("host4:6474").steps.map(formatInstallStep)).toEqual([
      "flush host4:6474",
      "host4:6474: lambda1,host4:10000,1,F lambda0,host2:6473,1, lambda1,host2:6473,1,",
    ]);
  });
});
