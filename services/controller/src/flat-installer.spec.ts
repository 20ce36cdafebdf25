import { describe, expect, it } from "vitest";
import { type ControllerOutcome, EdgeController } from "./edge-controller.js";
import { FlatInstaller } from "./flat-installer.js";
import { formatInstallStep } from "./install-plan.js";
import { replayPlan } from "../test/install-replay.js";
import type { Container } from "./membership.js";

/** The reference tests' containers: `cont0`, `cpu0`, lambda{from+i}, 2 workers. */
const makeContainers = (n: number, from = 0): Container[] =>
  Array.from({ length: n }, (_, i) => ({
    name: "cont0",
    processor: "cpu0",
    lambda: `lambda${from + i}`,
    numWorkers: 2,
  }));

/**
 * A controller with the reference's recording installer around it: `log` accumulates the steps
 * that reached a router, in the reference's trace notation; `disconnected` is a table end-point
 * that fails (or `*` for all).
 */
const setup = (forgetFailedRouters = true) => {
  const controller = new EdgeController({
    installer: new FlatInstaller(),
    clock: () => 0,
    leaseTtlMs: 0,
    forgetFailedRouters,
  });
  const state = { log: "", disconnected: "" };
  const send = (outcome: ControllerOutcome) => {
    const reachable = (r: string) => state.disconnected !== "*" && r !== state.disconnected;
    for (const step of replayPlan(controller, outcome.plan, reachable)) {
      state.log += `${formatInstallStep(step)}\n`;
    }
  };
  const lambdas = () => [...controller.membership.lambdas().keys()];
  return {
    controller,
    state,
    lambdas,
    announceComputer: (ep: string, containers: Container[]) =>
      send(controller.announceComputer(ep, containers)),
    announceRouter: (lambdaEp: string, tableEp: string) =>
      send(controller.announceRouter(lambdaEp, tableEp)),
    removeComputer: (ep: string) => send(controller.removeComputer(ep)),
  };
};

// reference §2.6 / §10: Test/testedgecontrollerflat.cpp, trace by trace
describe("FlatInstaller", () => {
  it("sends all known pairs to a router announced after the computers, then only new pairs", () => {
    const c = setup();
    expect(c.lambdas()).toEqual([]);
    c.announceComputer("host0:6473", makeContainers(2));
    c.announceComputer("host1:6473", makeContainers(2));
    c.announceComputer("host2:6473", makeContainers(1));
    expect(c.state.log).toBe("");
    expect(c.lambdas()).toEqual(["lambda0", "lambda1"]);

    c.announceRouter("host3:6473", "host3:6474");
    expect(c.state.log).toBe(
      "host3:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F " +
        "lambda0,host1:6473,1,F lambda1,host1:6473,1,F " +
        "lambda0,host2:6473,1,F\n",
    );

    c.announceComputer("host4:6473", makeContainers(1));
    expect(c.state.log).toBe(
      "host3:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F " +
        "lambda0,host1:6473,1,F lambda1,host1:6473,1,F " +
        "lambda0,host2:6473,1,F\n" +
        "host3:6474: lambda0,host4:6473,1,F\n",
    );
  });

  it("sends one batch per computer to known routers, and everything to a new router only", () => {
    const c = setup();
    c.announceRouter("host3:6473", "host3:6474");
    expect(c.state.log).toBe("");
    expect(c.lambdas()).toEqual([]);

    c.announceComputer("host0:6473", makeContainers(2));
    c.announceComputer("host1:6473", makeContainers(2));
    c.announceComputer("host2:6473", makeContainers(1));
    expect(c.state.log).toBe(
      "host3:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n" +
        "host3:6474: lambda0,host1:6473,1,F lambda1,host1:6473,1,F\n" +
        "host3:6474: lambda0,host2:6473,1,F\n",
    );
    expect(c.lambdas()).toEqual(["lambda0", "lambda1"]);

    c.announceRouter("host4:6473", "host4:6474");
    expect(c.state.log).toBe(
      "host3:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n" +
        "host3:6474: lambda0,host1:6473,1,F lambda1,host1:6473,1,F\n" +
        "host3:6474: lambda0,host2:6473,1,F\n" +
        "host4:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F " +
        "lambda0,host1:6473,1,F lambda1,host1:6473,1,F lambda0,host2:6473,1,F\n",
    );
  });

  it("ignores a duplicate announce and replaces changed containers (removal first)", () => {
    const c = setup();
    c.announceRouter("host1:6473", "host1:6474");
    c.announceComputer("host0:6473", makeContainers(1));
    expect(c.state.log).toBe("host1:6474: lambda0,host0:6473,1,F\n");
    expect(c.lambdas()).toEqual(["lambda0"]);

    c.announceComputer("host0:6473", makeContainers(1));
    expect(c.state.log).toBe("host1:6474: lambda0,host0:6473,1,F\n");
    expect(c.lambdas()).toEqual(["lambda0"]);

    c.state.log = "";
    c.announceComputer("host0:6473", makeContainers(2));
    expect(c.state.log).toBe(
      "del host1:6474 host0:6473 lambda0\n" +
        "host1:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n",
    );
    expect(c.lambdas()).toEqual(["lambda0", "lambda1"]);
  });

  it("sends the full batch to the new table end-point of a re-announced router", () => {
    const c = setup();
    c.announceRouter("host1:6473", "host1:6474");
    c.announceComputer("host0:6473", makeContainers(2));

    // Divergence (DESIGN §4): the very same announcement only refreshes the lease. The reference
    // re-sends "host1:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F" here.
    c.state.log = "";
    c.announceRouter("host1:6473", "host1:6474");
    expect(c.state.log).toBe("");

    // Same as the reference: a new table end-point gets everything...
    c.announceRouter("host1:6473", "host1:6475");
    expect(c.state.log).toBe("host1:6475: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n");

    // ...and so does a table end-point announced with a new lambda end-point.
    c.state.log = "";
    c.announceRouter("host1:6476", "host1:6475");
    expect(c.state.log).toBe("host1:6475: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n");
    // One router per table end-point: host1:6475 is not configured twice by later announcements.
    expect(c.controller.membership.routers().map((r) => r.lambdaEndpoint)).toEqual(["host1:6476"]);
  });

  it("forgets a failing router in reference mode and never contacts it again", () => {
    const c = setup(true);
    c.announceRouter("host1:6473", "host1:6474");
    c.announceRouter("host2:6473", "host2:6474");
    expect(c.state.log).toBe("");

    c.announceComputer("host3:6473", makeContainers(2));
    expect(c.state.log).toBe(
      "host1:6474: lambda0,host3:6473,1,F lambda1,host3:6473,1,F\n" +
        "host2:6474: lambda0,host3:6473,1,F lambda1,host3:6473,1,F\n",
    );
    expect(c.lambdas()).toEqual(["lambda0", "lambda1"]);

    c.state.disconnected = "host2:6474";
    c.state.log = "";
    c.announceComputer("host3:6473", makeContainers(1, 0));
    expect(c.state.log).toBe(
      "del host1:6474 host3:6473 lambda0 lambda1\nhost1:6474: lambda0,host3:6473,1,F\n",
    );
    expect(c.lambdas()).toEqual(["lambda0"]);

    c.state.log = "";
    c.announceComputer("host3:6473", makeContainers(1, 1));
    expect(c.state.log).toBe(
      "del host1:6474 host3:6473 lambda0\nhost1:6474: lambda1,host3:6473,1,F\n",
    );
    expect(c.lambdas()).toEqual(["lambda1"]);
    expect(c.controller.membership.routers().map((r) => r.tableEndpoint)).toEqual(["host1:6474"]);
  });

  it("keeps a failing router by default, so later plans still include it (retried by the I/O layer)", () => {
    const c = setup(false);
    c.announceRouter("host1:6473", "host1:6474");
    c.announceRouter("host2:6473", "host2:6474");
    c.state.disconnected = "host2:6474";
    c.announceComputer("host3:6473", makeContainers(1));
    expect(c.controller.routerFailed("host2:6474")).toEqual({
      events: [],
      plan: { steps: [], reset: false },
      forgotten: false,
    });

    const outcome = c.controller.announceComputer("host4:6473", makeContainers(1));
    expect(outcome.plan.steps.map(formatInstallStep)).toEqual([
      "host1:6474: lambda0,host4:6473,1,F",
      "host2:6474: lambda0,host4:6473,1,F",
    ]);
  });

  it("removes a computer with one removal per router", () => {
    const c = setup();
    c.announceRouter("host1:6473", "host1:6474");
    c.announceRouter("host2:6473", "host2:6474");
    c.announceComputer("host3:6473", makeContainers(1));
    c.announceComputer("host4:6473", makeContainers(1));
    expect(c.state.log).toBe(
      "host1:6474: lambda0,host3:6473,1,F\n" +
        "host2:6474: lambda0,host3:6473,1,F\n" +
        "host1:6474: lambda0,host4:6473,1,F\n" +
        "host2:6474: lambda0,host4:6473,1,F\n",
    );
    expect(c.lambdas()).toEqual(["lambda0"]);

    c.state.log = "";
    c.removeComputer("host4:6473");
    expect(c.state.log).toBe(
      "del host1:6474 host4:6473 lambda0\ndel host2:6474 host4:6473 lambda0\n",
    );
    expect(c.lambdas()).toEqual(["lambda0"]);
  });

  it("sends nothing for the removal of an unknown computer (e.g. a router reported by another)", () => {
    const c = setup();
    c.announceRouter("host1:6473", "host1:6474");
    c.removeComputer("host2:6473");
    expect(c.state.log).toBe("");
  });

  it("re-installs one router from scratch on resync", () => {
    const c = setup();
    c.announceRouter("host1:6473", "host1:6474");
    c.announceComputer("host0:6473", makeContainers(2));
    c.announceComputer("host2:6473", makeContainers(1));
    expect(c.controller.resyncRouter("host1:6474").steps.map(formatInstallStep)).toEqual([
      "flush host1:6474",
      "host1:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F lambda0,host2:6473,1,F",
    ]);
    expect(c.controller.resyncRouter("unknown:6474").steps).toEqual([]);
  });
});
