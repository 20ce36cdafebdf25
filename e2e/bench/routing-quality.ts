/**
 * `pnpm bench:routing`: how well each routing policy spreads load over computers that slow down
 * as they fill (issue 9). Every computer is the built `edgecomputer` with one single-core
 * processor and many workers, so calls share the core (reference §5.1 processor sharing) and a
 * lambda of fixed cost; the bench measures each computer alone and saturated first, and refuses
 * to report unless its calls slow down with concurrency. Cases: (1) two computers, 20 and 80 ms,
 * at 50/70/90 % of their joint measured capacity; (2) three, 10/20/80 ms, 70 %; (3) the fast one
 * slows 4× halfway through, and the time until each policy's split is back near the new best;
 * (4) two routers sharing two computers. In each stage every policy — every `--table-conf type=`
 * of the router, with the router's default optimizer, plus the best static split (square-root
 * rule on the measured capacities, fixed weights, no optimizer) — gets its own copy of the
 * computers and router(s), and all run side by side on the same seeded open-loop Poisson
 * arrivals from 64 client streams (over 8 connections per router): machine noise then hits
 * every policy alike. A stage whose policies would together offer more calls/s than this
 * 2-core machine carries without delaying the computers' timers runs in batches, each with its
 * own copy of the baseline. Prints, per stage and policy, mean/p50/p99, the split,
 * the ratios to the best static split, failures, and each process's RSS at rest and after;
 * writes everything as JSON to BENCH_JSON, else to a temporary file whose path it prints.
 * Asserts nothing on time; exits non-zero if a computer is not processor sharing, a policy
 * could not run, or the baseline or the default policy lost a call (a reference policy that
 * overloads a computer loses calls: that is reported, as its result).
 *
 * Environment: BENCH_CASES (default 1,2,3,4), BENCH_LOADS (case 1, percent, default 50,70,90),
 * BENCH_POLICIES (table types and/or "default"; the baseline always runs), BENCH_SECONDS
 * (measured window per stage, default 20), BENCH_WARMUP_SECONDS (default 10: one period of the
 * default trivial optimizer), BENCH_DRAIN_SECONDS (default 10), BENCH_SEED (default 1),
 * BENCH_CLIENTS (default 64), BENCH_MAX_IN_FLIGHT (per client, default 64), BENCH_CONNECTIONS
 * (per router, default 8), BENCH_MAX_CALLS_PER_S (per batch, default 480), BENCH_STEP_FAST_MS
 * (case 3's fast computer, default 5; the other is 4× that), BENCH_SPLIT_WINDOW_MS (default
 * 1000), BENCH_RECOVERY_TOLERANCE (share points, default 0.1), BENCH_RECOVERY_HOLD_MS (default
 * 500), BENCH_JSON. Needs `pnpm build` (SOE_E2E_FROM=source runs the services from their
 * sources instead; the list of table types is always read from the router's sources).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { ChildProcesses } from "@soe/bench";
import { DEFAULT_OPTIMIZER_CONF, DEFAULT_TABLE_CONF, TABLE_TYPES } from "@soe/router";
import { type Domain, runFromEnv } from "../src/index.js";
import { guardBench } from "./bench-guard.js";
import { WORKERS } from "./processor-sharing-computers.js";
import { nominalCallsPerSecond, policyBatches } from "./routing-batches.js";
import { routingStages } from "./routing-cases.js";
import { formatCpuUse } from "./routing-cpu-use.js";
import { routingSettingsFromEnv } from "./routing-env.js";
import { routingPolicies } from "./routing-policies.js";
import { formatComputers, formatStageTable, formatSummary } from "./routing-report.js";
import { mergeBatches, runStage, type StageResult } from "./routing-stage.js";

const settings = routingSettingsFromEnv();
const stages = routingStages(settings);
const policies = routingPolicies(
  {
    tableTypes: TABLE_TYPES,
    defaultTableConf: DEFAULT_TABLE_CONF,
    defaultOptimizerConf: DEFAULT_OPTIMIZER_CONF,
  },
  settings.policies,
);

const children = new ChildProcesses();
let domain: Domain | undefined;
// A batch: start and probe (~30 s at most), warm-up and window, drain, stop (~15 s).
const batchBudgetS = 45 + settings.warmupSeconds + settings.measureSeconds + settings.drainSeconds;
const batchCount = stages.reduce(
  (n, stage) =>
    n + policyBatches(policies, nominalCallsPerSecond(stage), settings.maxCallsPerSecond).length,
  0,
);
guardBench(
  children,
  () => (domain === undefined ? [] : [domain]),
  (batchCount * batchBudgetS + 30) * 1000,
);

console.log(
  [
    "bench:routing: routing quality over processor-sharing computers (one core each), over 127.0.0.1",
    `node ${process.version}, ${availableParallelism()} CPUs, services from ${runFromEnv()}, unpinned`,
    `policies: ${policies.map((p) => `${p.name} [${p.tableConf}; ${p.optimizerConf}]${p.isDefault ? " (default)" : ""}`).join(", ")}`,
    `each stage: ${settings.warmupSeconds} s warm-up + ${settings.measureSeconds} s measured, Poisson arrivals (seed ${settings.seed}) ` +
      `from ${settings.clients} clients (≤ ${settings.maxInFlightPerClient} calls in flight each, ` +
      `${settings.connections} connections per router), ` +
      `every policy on its own copy of the computers, side by side (≤ ${settings.maxCallsPerSecond} calls/s in all, else in batches)`,
  ].join("\n"),
);

const profileDir = mkdtempSync(join(tmpdir(), "soe-bench-routing-"));
const results: StageResult[] = [];
let failure: string | undefined;
try {
  for (const stage of stages) {
    const batches = policyBatches(
      policies,
      nominalCallsPerSecond(stage),
      settings.maxCallsPerSecond,
    );
    const parts: StageResult[] = [];
    for (const [b, batch] of batches.entries()) {
      process.stderr.write(
        `[bench] stage ${stage.id}: starting${batches.length > 1 ? ` batch ${b + 1} of ${batches.length}` : ""}\n`,
      );
      const part = await runStage(
        stage,
        batch,
        settings,
        profileDir,
        (d) => {
          domain = d;
        },
        b,
        parts[0]?.best?.capacities,
      );
      parts.push(part);
      if (part.refused.length > 0) break;
    }
    const result = mergeBatches(parts);
    results.push(result);
    console.log(`\n${formatComputers(result)}`);
    if (result.refused.length > 0) {
      failure =
        "the computers are not processor sharing, so this bench would measure nothing it claims:\n" +
        result.refused.map((p) => `  - ${p}`).join("\n");
      break;
    }
    console.log(`\n${formatStageTable(result)}`);
    result.batches.forEach((use, b) => {
      if (use.cpu === undefined) return;
      const which = result.batches.length > 1 ? `batch ${b + 1}: ` : "";
      console.log(`${which}${formatCpuUse(use.cpu, use.loadCalls)}`);
    });
    for (const run of result.runs) {
      if (run.stats?.firstError !== undefined) {
        console.log(
          `${run.policy.name}: ${run.stats.failed} failed, first: ${run.stats.firstError}`,
        );
      }
      if (run.background !== undefined && run.background.failed > 0) {
        console.log(`${run.policy.name}: ${run.background.failed} background calls failed`);
      }
    }
  }
} catch (error) {
  failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
} finally {
  await children.stopAll();
  await domain?.stop();
  rmSync(profileDir, { recursive: true, force: true });
}

if (results.some((r) => r.best !== undefined)) {
  console.log(`\n${formatSummary(results.filter((r) => r.best !== undefined))}`);
  console.log(
    "\nmean × and p99 ×: over the best static split run side by side; recovery: from the step " +
      `until every share stays within ${settings.recoveryTolerance * 100} points of the new best ` +
      `split for ${settings.recoveryHoldMs / 1000} s, split over sliding ${settings.splitWindowMs} ms windows ` +
      "(the baseline switching at the step shows the measure's floor)",
  );
}
for (const result of results) {
  result.batches.forEach(({ memory }, b) => {
    const which = result.batches.length > 1 ? `, batch ${b + 1}` : "";
    console.log(
      `\n${memory.format(`stage ${result.stage.id}${which}: RSS of each process, at rest and after the run`)}`,
    );
  });
}
if (results.length > 0) {
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    runFrom: runFromEnv(),
    settings,
    workersPerContainer: WORKERS,
    policies,
    stages: results.map(({ batches, ...result }) => ({
      ...result,
      batches: batches.map(({ memory, ...use }) => ({ ...use, memory: memory.rows() })),
    })),
  };
  const path = settings.jsonPath ?? join(tmpdir(), `soe-bench-routing-${Date.now()}.json`);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nresults written to ${path}`);
}
if (failure !== undefined) console.log(`\nREFUSED/FAILED: ${failure}`);
// A reference policy that overloads a computer loses calls: that is its result, printed above.
// The run fails when the harness does, or when the baseline or the default policy loses calls.
const mustNotFail = (run: (typeof results)[number]["runs"][number]) =>
  run.policy.isDefault || run.policy.fixedWeights;
const failed =
  failure !== undefined ||
  results.length < stages.length ||
  results.some((r) =>
    r.runs.some((run) => run.stats === undefined || (mustNotFail(run) && run.stats.failed > 0)),
  );
process.exitCode = failed ? 1 : 0;
