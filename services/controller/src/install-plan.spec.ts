import { EdgeRouterConf_Action } from "@soe/proto";
import { describe, expect, it } from "vitest";
import {
  formatInstallStep,
  type InstallPlan,
  opsByRouter,
  toEdgeRouterConfs,
} from "./install-plan.js";

const plan: InstallPlan = {
  reset: false,
  steps: [
    { router: "r1:6474", op: { kind: "remove", destination: "c:1", lambdas: ["l0", "l1"] } },
    { router: "r2:6474", op: { kind: "flush" } },
    {
      router: "r1:6474",
      op: {
        kind: "change",
        entries: [{ lambda: "l0", destination: "c:1", weight: 1, final: true }],
      },
    },
  ],
};

describe("install plans", () => {
  it("groups operations per router, keeping their order", () => {
    const byRouter = opsByRouter(plan);
    expect([...byRouter.keys()]).toEqual(["r1:6474", "r2:6474"]);
    expect(byRouter.get("r1:6474")?.map((op) => op.kind)).toEqual(["remove", "change"]);
  });

  it("expands operations into Configure requests (one REMOVE per lambda, one CHANGE per entry)", () => {
    const [remove, flush, change] = plan.steps.map((s) => toEdgeRouterConfs(s.op));
    expect(
      remove?.map(({ action, lambda, destination }) => ({ action, lambda, destination })),
    ).toEqual([
      { action: EdgeRouterConf_Action.REMOVE, lambda: "l0", destination: "c:1" },
      { action: EdgeRouterConf_Action.REMOVE, lambda: "l1", destination: "c:1" },
    ]);
    expect(flush?.map((c) => c.action)).toEqual([EdgeRouterConf_Action.FLUSH]);
    expect(change?.[0]).toMatchObject({
      $typeName: "uiiit.rpc.EdgeRouterConf",
      action: EdgeRouterConf_Action.CHANGE,
      lambda: "l0",
      destination: "c:1",
      weight: 1,
      final: true,
    });
  });

  it("formats steps in the reference tests' notation", () => {
    expect(plan.steps.map(formatInstallStep)).toEqual([
      "del r1:6474 c:1 l0 l1",
      "flush r2:6474",
      "r1:6474: l0,c:1,1,F",
    ]);
    expect(
      formatInstallStep({
        router: "r",
        op: {
          kind: "change",
          entries: [{ lambda: "l", destination: "h:1", weight: 0.5, final: false }],
        },
      }),
    ).toBe("r: l,h:1,0.5,");
  });
});
