import { fixed, formatTextTable, times } from "@soe/bench";
import { BACKGROUND_SIZE } from "./processor-sharing-computers.js";
import type { CallStats } from "./routing-call-stats.js";
import { BASELINE } from "./routing-policies.js";
import { psMeanLatencyMs } from "./routing-square-root-split.js";
import type { PolicyRun, StageResult } from "./routing-stage.js";

/** "85.7/14.3": shares in percent, in the order of the stage's computers. */
export function formatSplit(shares: readonly number[]): string {
  return shares.map((s) => fixed(s * 100, 1)).join("/");
}

/** A run's row name; a stage run in batches has a baseline per batch ("best static split #2"). */
function policyLabel(run: PolicyRun): string {
  if (run.policy.isDefault) return `${run.policy.name} (default)`;
  if (run.policy.name === BASELINE && run.batch > 0) return `${run.policy.name} #${run.batch + 1}`;
  return run.policy.name;
}

/** The baseline a run is compared with: the one that ran beside it, in its batch. */
function baselineOf(result: StageResult, run: PolicyRun): CallStats | undefined {
  return result.runs.find((r) => r.policy.name === BASELINE && r.batch === run.batch)?.stats;
}

/** The computers as measured before the stage: per kind, mean and range over the copies. */
export function formatComputers(result: StageResult): string {
  const rows = result.kinds.map((kind) => {
    const probes = result.computers.filter((c) => c.kind === kind.name).map((c) => c.probe);
    const range = (values: number[], digits: number) =>
      values.length < 2
        ? ""
        : ` (${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)})`;
    return [
      kind.name,
      fixed(kind.serviceMs, 0),
      `${fixed(kind.aloneMs, 1)}${range(
        probes.map((p) => p.aloneMs),
        1,
      )}`,
      `${times(kind.batchSlowdown)}${range(
        probes.map((p) => p.batchMeanMs / p.aloneMs),
        2,
      )}`,
      `${fixed(kind.capacity, 1)}${range(
        probes.map((p) => p.capacity),
        1,
      )}`,
      fixed(kind.aloneMs - 1000 / kind.capacity, 1),
      String(kind.copies),
      String(result.computers.filter((c) => c.kind === kind.name && c.probedTwice).length),
    ];
  });
  return formatTextTable(
    `stage ${result.stage.id}: the computers, measured directly before the run (mean, range over the copies)`,
    [
      "computer",
      "model ms",
      "alone ms",
      `${result.kinds[0]?.batchSize ?? 4} at once vs alone`,
      "capacity calls/s",
      "overhead ms",
      "copies",
      "probed twice",
    ],
    rows,
  );
}

/** One row per policy: latency, split, ratios to the baseline, failures (and case 3's step). */
export function formatStageTable(result: StageResult): string {
  const names = result.stage.computers.map((c) => c.name).join("/");
  const step = result.afterStep !== undefined;
  const batched = result.batches.length > 1;
  const ratio = (pick: (s: CallStats) => number, run: PolicyRun) => {
    const base = baselineOf(result, run);
    return base === undefined || run.stats === undefined
      ? "-"
      : times(pick(run.stats) / pick(base));
  };
  const columns = [
    "policy",
    ...(batched ? ["batch"] : []),
    "calls",
    "mean ms",
    "p50 ms",
    "p99 ms",
    `split % ${names}`,
    "mean ×",
    "p99 ×",
    "failed",
    "waited",
    ...(step ? [`after step % ${names}`, "after step mean ms", "recovery s"] : []),
  ];
  const rows = result.runs.map((run): string[] => {
    const s = run.stats;
    if (s === undefined) return [policyLabel(run), `FAILED: ${run.failure ?? "no result"}`];
    return [
      policyLabel(run),
      ...(batched ? [String(run.batch + 1)] : []),
      String(s.answered),
      fixed(s.meanMs, 1),
      fixed(s.p50Ms, 1),
      fixed(s.p99Ms, 1),
      formatSplit(s.shares),
      ratio((x) => x.meanMs, run),
      ratio((x) => x.p99Ms, run),
      String(s.failed),
      String(s.waited),
      ...(step
        ? [
            formatSplit(run.afterStep?.shares ?? []),
            fixed(run.afterStep?.meanMs ?? Number.NaN, 1),
            run.recoveryMs === undefined ? "never" : fixed(run.recoveryMs / 1000, 2),
          ]
        : []),
    ];
  });
  const lines = [
    `stage ${result.stage.id}: ${result.stage.title}`,
    `${fixed(result.rate, 1)} calls/s (Poisson) per policy; best static split (square-root rule on the capacities measured): ` +
      `${formatSplit(result.best?.shares ?? [])} % ${names}, analytic PS mean ${fixed(result.best?.analyticMeanMs ?? Number.NaN, 1)} ms`,
  ];
  if (result.best !== undefined && result.afterStep === undefined) {
    // A seeded draw of 25 s is one sample: its rate differs from the mean by a few percent, and a
    // processor-sharing queue near saturation is very sensitive to that.
    const { capacities, shares } = result.best;
    const atDrawn = psMeanLatencyMs(
      capacities,
      shares.map((s) => s * result.windowRate),
    );
    lines.push(
      `the draw put ${fixed(result.windowRate, 1)} calls/s in the measured window; the same split's analytic PS mean at that rate: ${fixed(atDrawn, 1)} ms`,
    );
  }
  if (result.afterStep !== undefined) {
    lines.push(
      `step at ${fixed(result.afterStep.atMs / 1000, 1)} s: background work on ${result.stage.step?.computer}, ` +
        `${fixed(result.afterStep.backgroundRate, 1)} calls/s of ${BACKGROUND_SIZE}× the cost (${fixed(100 - 100 / (result.stage.step?.slowdown ?? 1), 0)} % of its core);` +
        ` best split after it ${formatSplit(result.afterStep.shares)} % ` +
        `(analytic PS mean ${fixed(result.afterStep.analyticMeanMs, 1)} ms); the baseline switches to it at the step`,
    );
  }
  return `${lines.join("\n")}\n${formatTextTable(
    "latency from arrival to answer, calls arriving in the measured window; ratios to the best static split",
    columns,
    rows,
  )}`;
}

/** Every stage on one table: each policy's mean ratio (p99 ratio) to the best static split. */
export function formatSummary(results: readonly StageResult[]): string {
  const policies = [...new Set(results.flatMap((r) => r.runs.map((run) => policyLabel(run))))];
  const withStep = results.some((r) => r.afterStep !== undefined);
  const columns = [
    "policy",
    ...results.map((r) => r.stage.id),
    ...(withStep ? ["3: recovery s"] : []),
  ];
  const rows = policies.map((label) => [
    label,
    ...results.map((r) => {
      const run = r.runs.find((x) => policyLabel(x) === label);
      const base = run === undefined ? undefined : baselineOf(r, run);
      if (run?.stats === undefined || base === undefined) return run?.failure ? "failed" : "-";
      // Unanswered calls are not in the mean: an overloaded processor-sharing computer finishes
      // almost nothing, so a policy that overloads one loses calls rather than adding latency.
      const lost = run.stats.failed > 0 ? ` ${run.stats.failed} failed` : "";
      return `${times(run.stats.meanMs / base.meanMs)} (${times(run.stats.p99Ms / base.p99Ms)})${lost}`;
    }),
    ...(withStep
      ? [
          (() => {
            const r = results.find((x) => x.afterStep !== undefined);
            const run = r?.runs.find((x) => policyLabel(x) === label);
            if (run?.stats === undefined) return "-";
            return run.recoveryMs === undefined ? "never" : fixed(run.recoveryMs / 1000, 2);
          })(),
        ]
      : []),
  ]);
  return formatTextTable(
    "summary: mean latency (p99) over the best static split's, measured side by side",
    columns,
    rows,
  );
}
