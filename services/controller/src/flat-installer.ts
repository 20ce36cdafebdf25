import { EMPTY_PLAN, type InstallPlan, type InstallStep, type RouteEntry } from "./install-plan.js";
import type { Installer } from "./installer.js";
import type { MembershipEvent, MembershipView } from "./membership.js";

/** The weight the controller installs: a cost of one second, until the router learns better. */
export const INSTALL_WEIGHT = 1.0;

/**
 * The `flat` installer (reference §2.6, the default): every computer is a final destination, with
 * weight 1.0, on every router.
 *  - computer added: its pairs (container order) to every router (lambda end-point order);
 *  - computer removed: one removal of its lambdas per router; no flush;
 *  - router added (new, or with new end-points): all known pairs (computers in end-point order,
 *    lambdas in container order) to that router only, one batch; other routers untouched;
 *  - router removed: nothing to send.
 * What happens when a router fails is not the installer's business: see EdgeController.
 */
export class FlatInstaller implements Installer {
  readonly type = "flat";

  checkComputer(): void {}
  checkRouter(): void {}

  plan(events: readonly MembershipEvent[], view: MembershipView): InstallPlan {
    const steps: InstallStep[] = [];
    for (const event of events) {
      switch (event.kind) {
        case "computer-added": {
          const entries = pairs(event.endpoint, event.lambdas);
          if (entries.length === 0) break;
          for (const r of view.routers()) {
            steps.push({ router: r.tableEndpoint, op: { kind: "change", entries } });
          }
          break;
        }
        case "computer-removed": {
          if (event.lambdas.length === 0) break;
          const op = {
            kind: "remove",
            destination: event.endpoint,
            lambdas: event.lambdas,
          } as const;
          for (const r of view.routers()) steps.push({ router: r.tableEndpoint, op });
          break;
        }
        case "router-added": {
          const entries = allPairs(view);
          if (entries.length > 0) {
            steps.push({ router: event.tableEndpoint, op: { kind: "change", entries } });
          }
          break;
        }
        default:
          break;
      }
    }
    return { steps, reset: false };
  }

  resync(tableEndpoint: string, view: MembershipView): InstallPlan {
    if (view.routerByTable(tableEndpoint) === undefined) return EMPTY_PLAN;
    const steps: InstallStep[] = [{ router: tableEndpoint, op: { kind: "flush" } }];
    const entries = allPairs(view);
    if (entries.length > 0) steps.push({ router: tableEndpoint, op: { kind: "change", entries } });
    return { steps, reset: false };
  }
}

function pairs(computer: string, lambdas: readonly string[]): RouteEntry[] {
  return lambdas.map((lambda) => ({
    lambda,
    destination: computer,
    weight: INSTALL_WEIGHT,
    final: true,
  }));
}

function allPairs(view: MembershipView): RouteEntry[] {
  return view.computers().flatMap((c) => pairs(c.endpoint, c.lambdas));
}
