import type { InstallPlan, InstallStep } from "../src/install-plan.js";

/** What replayPlan needs of the controller (FlatInstaller and HierInstaller outcomes). */
export interface RouterFailureHandler {
  routerFailed(tableEndpoint: string): { readonly plan: InstallPlan };
}

/**
 * Delivers a plan the way the reference's controller does — one call after another, in plan
 * order — against routers that either answer or fail (`reachable`), and returns the steps that
 * got through: the reference's test traces (§10) are exactly these. On a failure the controller
 * decides (`routerFailed`): a reset plan replaces everything still pending (the reference aborts
 * and rebuilds, hier); otherwise the failed router's remaining steps are skipped (flat keeps
 * going with the other routers).
 *
 * The real I/O layer does not work like this — it keeps one queue per router and retries — but
 * the per-router order it must respect is the same.
 */
export function replayPlan(
  controller: RouterFailureHandler,
  plan: InstallPlan,
  reachable: (tableEndpoint: string) => boolean,
): InstallStep[] {
  const delivered: InstallStep[] = [];
  let pending = [...plan.steps];
  for (let step = pending.shift(); step !== undefined; step = pending.shift()) {
    if (reachable(step.router)) {
      delivered.push(step);
      continue;
    }
    const failed = step.router;
    const next = controller.routerFailed(failed).plan;
    pending = next.reset
      ? [...next.steps]
      : [...pending.filter((s) => s.router !== failed), ...next.steps];
  }
  return delivered;
}
