import { fixed, formatTextTable, times } from "@soe/bench";
import type { PoissonLoadResult } from "./poisson-load.js";
import type { ComputerModel } from "./simulated-computers.js";

/** One policy's run, or why it could not be measured. */
export interface PolicyRun {
  readonly policy: string;
  readonly tableConf: string;
  readonly optimizerConf: string;
  readonly result?: PoissonLoadResult;
  readonly failure?: string;
}

export interface ComputerShare {
  readonly name: string;
  /** Part of the answered window calls it served, 0-1. */
  readonly share: number;
  /** Its utilisation: the calls/s it was sent over its capacity (≥ 1: its queue grows). */
  readonly utilization: number;
}

/** Share and utilisation of each computer in one run (endpoints as the responders name them). */
export function computerShares(
  result: PoissonLoadResult,
  computers: readonly { model: ComputerModel; endpoint: string }[],
): ComputerShare[] {
  return computers.map(({ model, endpoint }) => {
    const share =
      result.answered === 0 ? Number.NaN : (result.byResponder[endpoint] ?? 0) / result.answered;
    return {
      name: model.name,
      share,
      utilization: (share * result.offeredRate) / model.capacity,
    };
  });
}

/** The table of the routing-quality bench: one row per policy, ratios against the oracle. */
export function formatRoutingTable(
  runs: readonly PolicyRun[],
  oracle: string,
  computers: readonly { model: ComputerModel; endpoint: string }[],
): string {
  const base = runs.find((r) => r.policy === oracle)?.result;
  const names = computers.map((c) => c.model.name);
  const columns = [
    "policy",
    "optimizer",
    "calls",
    "mean ms",
    "p50 ms",
    "p99 ms",
    "max ms",
    `share ${names[0]}`,
    ...names.map((n) => `ρ ${n}`),
    "mean vs oracle",
    "p99 vs oracle",
    "errors",
  ];
  const rows = runs.map((run): string[] => {
    const r = run.result;
    if (r === undefined) return [run.policy, `FAILED: ${run.failure ?? "no result"}`];
    const shares = computerShares(r, computers);
    return [
      run.policy,
      run.optimizerConf.replace(/^type=/, ""),
      String(r.answered),
      fixed(r.meanMs, 2),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      fixed(r.maxMs, 1),
      `${fixed((shares[0]?.share ?? Number.NaN) * 100, 1)} %`,
      ...shares.map((s) => fixed(s.utilization, 2)),
      base === undefined ? "-" : times(r.meanMs / base.meanMs),
      base === undefined ? "-" : times(r.p99Ms / base.p99Ms),
      String(r.errors),
    ];
  });
  return formatTextTable(
    "latency from arrival to answer, calls arriving in the window",
    columns,
    rows,
  );
}
