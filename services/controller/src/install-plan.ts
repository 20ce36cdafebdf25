import { create } from "@bufbuild/protobuf";
import { type EdgeRouterConf, EdgeRouterConf_Action, EdgeRouterConfSchema } from "@soe/proto";

/** One forwarding-table entry to install. */
export interface RouteEntry {
  readonly lambda: string;
  readonly destination: string;
  readonly weight: number;
  readonly final: boolean;
}

/**
 * One operation on one router, grouped as the reference's installer calls them (reference §2.5):
 * a `change` batch is one Configure CHANGE per entry, a `remove` one Configure REMOVE per lambda,
 * a `flush` one Configure FLUSH. Per router, operations must be applied in order.
 */
export type RouterOp =
  | { readonly kind: "change"; readonly entries: readonly RouteEntry[] }
  | { readonly kind: "remove"; readonly destination: string; readonly lambdas: readonly string[] }
  | { readonly kind: "flush" };

export interface InstallStep {
  /** The router's forwarding-table end-point (where Configure goes). */
  readonly router: string;
  readonly op: RouterOp;
}

/**
 * What to send after a membership change, in the order the reference would send it. Routers are
 * independent, so the I/O layer may run each router's operations in its own queue
 * (`opsByRouter`); only the order per router matters.
 */
export interface InstallPlan {
  readonly steps: readonly InstallStep[];
  /**
   * True when the plan starts by flushing every router and rebuilds all tables (hier): operations
   * still pending from earlier plans are moot and may be dropped.
   */
  readonly reset: boolean;
}

export const EMPTY_PLAN: InstallPlan = { steps: [], reset: false };

/** The plan as per-router operation lists, routers in order of first appearance. */
export function opsByRouter(plan: InstallPlan): Map<string, RouterOp[]> {
  const byRouter = new Map<string, RouterOp[]>();
  for (const { router, op } of plan.steps) {
    const ops = byRouter.get(router);
    if (ops === undefined) byRouter.set(router, [op]);
    else ops.push(op);
  }
  return byRouter;
}

/** The Configure requests of one operation, in order. */
export function toEdgeRouterConfs(op: RouterOp): EdgeRouterConf[] {
  switch (op.kind) {
    case "flush":
      return [create(EdgeRouterConfSchema, { action: EdgeRouterConf_Action.FLUSH })];
    case "change":
      return op.entries.map((e) =>
        create(EdgeRouterConfSchema, { action: EdgeRouterConf_Action.CHANGE, ...e }),
      );
    case "remove":
      return op.lambdas.map((lambda) =>
        create(EdgeRouterConfSchema, {
          action: EdgeRouterConf_Action.REMOVE,
          lambda,
          destination: op.destination,
        }),
      );
  }
}

/**
 * One step in the notation of the reference's controller tests (§10), e.g.
 * `host3:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F`, `del host1:6474 host3:6473
 * lambda0 lambda1`, `flush host2:6474` — handy in debug logs, and what our tests compare.
 */
export function formatInstallStep({ router, op }: InstallStep): string {
  switch (op.kind) {
    case "flush":
      return `flush ${router}`;
    case "change":
      return `${router}:${op.entries
        .map((e) => ` ${e.lambda},${e.destination},${formatWeight(e.weight)},${e.final ? "F" : ""}`)
        .join("")}`;
    case "remove":
      return `del ${router} ${op.destination}${op.lambdas.map((l) => ` ${l}`).join("")}`;
  }
}

// Installers only ever write 1.0; other values print in C++ `%g` style closely enough for logs.
function formatWeight(weight: number): string {
  return String(Number(weight.toPrecision(6)));
}
