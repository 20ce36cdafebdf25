import { describe, expect, it } from "vitest";
import { type ControllerOutcome, EdgeController } from "./edge-controller.js";
import { FlatInstaller } from "./flat-installer.js";
import { formatInstallStep } from "./install-plan.js";
import type { Container } from "./membership.js";

const containers = (...lambdas: string[]): Container[] =>
  lambdas.map((lambda) => ({ name: "c", processor: "cpu", lambda, numWorkers: 1 }));

const setup = (leaseTtlMs = 15_000) => {
  const time = { now: 0 };
  const controller = new EdgeController({
    installer: new FlatInstaller(),
    clock: () => time.now,
    leaseTtlMs,
  });
  const trace = (outcome: ControllerOutcome) => outcome.plan.steps.map(formatInstallStep);
  return { time, controller, trace };
};

// DESIGN §4: membership is a lease
describe("EdgeController leases", () => {
  it("removes an expired computer from every router", () => {
    const { time, controller, trace } = setup();
    controller.announceRouter("r1:6473", "r1:6474");
    controller.announceRouter("r2:6473", "r2:6474");
    controller.announceComputer("c:6473", containers("l0", "l1"));
    time.now = 10_000; // routers re-announce every ttl/3; the computer went silent
    controller.announceRouter("r1:6473", "r1:6474");
    controller.announceRouter("r2:6473", "r2:6474");
    expect(controller.membership.nextExpiry()).toBe(15_000);
    time.now = 15_000;
    const outcome = controller.expire();
    expect(trace(outcome)).toEqual(["del r1:6474 c:6473 l0 l1", "del r2:6474 c:6473 l0 l1"]);
    expect(outcome.events.at(-1)).toMatchObject({ kind: "computer-removed", cause: "expired" });
  });

  it("refreshes the lease of an identical re-announcement without any table traffic", () => {
    const { time, controller, trace } = setup();
    controller.announceRouter("r1:6473", "r1:6474");
    controller.announceComputer("c:6473", containers("l0"));
    for (let t = 5_000; t <= 60_000; t += 5_000) {
      time.now = t;
      expect(trace(controller.announceComputer("c:6473", containers("l0")))).toEqual([]);
      expect(trace(controller.announceRouter("r1:6473", "r1:6474"))).toEqual([]);
    }
    expect(controller.membership.computers()).toHaveLength(1);
  });

  it("re-installs a router that comes back after its lease ran out", () => {
    const { time, controller, trace } = setup();
    controller.announceRouter("r1:6473", "r1:6474");
    controller.announceComputer("c:6473", containers("l0"));
    time.now = 10_000;
    controller.announceComputer("c:6473", containers("l0"));
    time.now = 20_000;
    expect(trace(controller.announceRouter("r1:6473", "r1:6474"))).toEqual([
      "r1:6474: l0,c:6473,1,F",
    ]);
  });

  it("keeps everything with --lease-ttl 0", () => {
    const { time, controller } = setup(0);
    controller.announceRouter("r1:6473", "r1:6474");
    controller.announceComputer("c:6473", containers("l0"));
    time.now = 1e9;
    expect(controller.expire().events).toEqual([]);
    expect(controller.membership.nextExpiry()).toBeUndefined();
  });

  it("reports the events behind a plan, for logs", () => {
    const { controller } = setup();
    expect(controller.announceComputer("c:6473", containers("l0")).events).toEqual([
      { kind: "lambda-added", lambda: "l0" },
      { kind: "computer-added", endpoint: "c:6473", lambdas: ["l0"] },
    ]);
    expect(controller.installerType).toBe("flat");
  });

  it("ignores a failure report for an unknown router", () => {
    const controller = new EdgeController({
      installer: new FlatInstaller(),
      clock: () => 0,
      leaseTtlMs: 0,
      forgetFailedRouters: true,
    });
    expect(controller.routerFailed("nobody:6474").forgotten).toBe(false);
  });
});
