import { fixed, formatTextTable, grouped } from "@soe/bench";
import type { Convergence, Phase } from "./convergence.js";

export function formatConvergence(result: Convergence): string {
  if (result.failure !== undefined) return `FAILED: ${result.failure}`;
  const { announcing, installing } = result;
  const routes = result.computers * result.lambdas * result.routers;
  const installed = announcing.routes + installing.routes;
  const seconds = announcing.seconds + installing.seconds;
  const rate = installed / seconds;
  const converged = result.stalled === undefined;
  const sorted = result.convergedSeconds;
  const router = (q: number) => {
    const value = sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
    return value === undefined ? "-" : fixed(value, 2);
  };
  const both = (f: (p: Phase) => string) => `${f(announcing)} / ${f(installing)}`;
  const table = formatTextTable(
    `${grouped(result.computers)} computers × ${result.lambdas} lambdas on ${result.routers} ` +
      `routers: ${grouped(routes)} routes (flat installer), synced in batches where routers serve soe.v1.TableSyncService`,
    ["measure", "value"],
    [
      [`announce ${grouped(result.computers)} computers, s`, fixed(announcing.seconds, 2)],
      ["AnnounceComputer calls/s", grouped(result.computers / announcing.seconds)],
      ["first router converged, s", router(0)],
      ["median router converged, s", router(0.5)],
      ["time to converge (all routers), s", converged ? router(1) : "NOT CONVERGED"],
      ["routes installed", `${grouped(installed)} of ${grouped(routes)}`],
      ["routes installed/s, whole run", grouped(rate)],
      ["routes installed/s, announcing / after", both((p) => grouped(p.routes / p.seconds))],
      ["controller CPU %, announcing / after", both((p) => percent(p.controllerCpuSeconds, p))],
      ["controller CPU µs/route after", perRoute(installing.controllerCpuSeconds, installing)],
      ["routers CPU %, announcing / after", both((p) => percent(p.routersCpuSeconds, p))],
      ["routers CPU µs/route after", perRoute(installing.routersCpuSeconds, installing)],
      [
        "controller RSS rest → after, MB",
        `${fixed(result.controllerRssRestMb, 1)} → ${fixed(result.controllerRssAfterMb, 1)}`,
      ],
    ],
  );
  const lines = [table];
  if (!converged) {
    lines.push(
      `${result.stalled}: at ${grouped(rate)} routes/s, all ${grouped(routes)} routes would ` +
        `take about ${fixed(routes / rate, 0)} s (BENCH_CONVERGE_SECONDS waits longer)`,
    );
  }
  lines.push(
    "",
    "The controller alone in its process (createControllerServer, leases that never expire) on the",
    `router's CPU; ${result.routers} real createRouterServer routers (optimizer none) in ` +
      `${result.fleets} processes on the`,
    "client's CPU, registered before the computers. Time 0: the first AnnounceComputer; a router",
    "has converged when its table #0 holds every (lambda, computer) pair, checked in its process",
    "every 10 ms from its table's size. CPU %: of one core; routers: all of them together.",
  );
  return lines.join("\n");
}

function percent(cpuSeconds: number, phase: Phase): string {
  return fixed((cpuSeconds / phase.seconds) * 100, 0);
}

function perRoute(cpuSeconds: number, phase: Phase): string {
  return phase.routes > 0 ? fixed((cpuSeconds / phase.routes) * 1e6, 0) : "n/a";
}
