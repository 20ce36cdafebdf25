/**
 * `pnpm bench:routing`: how well each routing policy spreads load over unequal computers.
 * Two simulated edge computers (the built `edgecomputer`, a JSON profile each), one `speedup`
 * times faster than the other, serve the same lambda; one `edgerouter` per policy routes to
 * both. An open-loop Poisson client (seeded: every policy gets the same arrivals) offers
 * `load` × the computers' total capacity, computed from the model (workers / service time),
 * through one router at a time: a warm-up (the learning policies learn), then a measured window.
 * Policies: random, least-impedance, round-robin (async optimizer), proportional-fairness
 * (asyncPF), and the oracle: random with static weights 1/capacity (a split proportional to
 * capacity) and no optimizer. Prints mean/p50/p99 latency, the share and utilisation (ρ) of each
 * computer, ratios to the oracle, and every process's RSS at rest and after the load; writes the
 * results as JSON to BENCH_JSON, else to a temporary file whose path it prints. Asserts nothing
 * on time; exits non-zero if a policy failed or a call errored.
 *
 * Environment: BENCH_SECONDS (measured window per policy, default 10), BENCH_WARMUP_SECONDS
 * (default 3), BENCH_SERVICE_MS (fast computer's service time, default 4), BENCH_SPEEDUP
 * (default 4), BENCH_WORKERS (per computer, default 1), BENCH_LOAD (fraction of the total
 * capacity, default 0.7), BENCH_SEED (default 1), BENCH_JSON. Needs `pnpm build`
 * (SOE_E2E_FROM=source runs the services from their sources instead).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { ChildProcesses, countFromEnv, fixed, secondsFromEnv } from "@soe/bench";
import { type Domain, runFromEnv } from "../src/index.js";
import { guardBench } from "./bench-guard.js";
import { runPoissonLoad } from "./poisson-load.js";
import { MemoryWatch } from "./process-memory.js";
import {
  installRoutes,
  launchRoutingDomain,
  type PolicyUnderTest,
  routerName,
} from "./routing-domain.js";
import { computerShares, formatRoutingTable, type PolicyRun } from "./routing-report.js";
import { computerModel, mD1MeanMs, ROUTED_LAMBDA } from "./simulated-computers.js";

const warmupSeconds = secondsFromEnv("BENCH_WARMUP_SECONDS", 3);
const measureSeconds = secondsFromEnv("BENCH_SECONDS", 10);
const serviceMs = secondsFromEnv("BENCH_SERVICE_MS", 4);
const speedup = secondsFromEnv("BENCH_SPEEDUP", 4);
const workers = countFromEnv("BENCH_WORKERS", 1);
const load = secondsFromEnv("BENCH_LOAD", 0.7);
const seed = countFromEnv("BENCH_SEED", 1);
const drainSeconds = 20;

const computers = [
  computerModel("fast", serviceMs, workers),
  computerModel("slow", serviceMs * speedup, workers),
];
const capacity = computers.reduce((sum, c) => sum + c.capacity, 0);
const rate = load * capacity;

const learned = (): number => 1;
const ORACLE = "oracle (static split)";
const policies: PolicyUnderTest[] = [
  {
    name: ORACLE,
    tableConf: "type=random,alpha=1,beta=1",
    optimizerConf: "type=none",
    weight: (c) => 1 / c.capacity,
  },
  {
    name: "random",
    tableConf: "type=random,alpha=1,beta=1",
    optimizerConf: "type=async,alpha=0.5",
    weight: learned,
  },
  {
    name: "least-impedance",
    tableConf: "type=least-impedance,alpha=1,beta=1",
    optimizerConf: "type=async,alpha=0.5",
    weight: learned,
  },
  {
    name: "round-robin",
    tableConf: "type=round-robin,alpha=1,beta=1",
    optimizerConf: "type=async,alpha=0.5",
    weight: learned,
  },
  {
    name: "proportional-fairness",
    tableConf: "type=proportional-fairness,alpha=1,beta=1",
    optimizerConf: "type=asyncPF",
    weight: learned,
  },
];

const children = new ChildProcesses();
let domain: Domain | undefined;
guardBench(
  children,
  () => (domain === undefined ? [] : [domain]),
  (policies.length * (warmupSeconds + measureSeconds + drainSeconds) + 60) * 1000,
);

console.log(header());
const profileDir = mkdtempSync(join(tmpdir(), "soe-bench-routing-"));
const memory = new MemoryWatch();
const runs: PolicyRun[] = [];
let endpoints: { model: (typeof computers)[number]; endpoint: string }[] = [];
let failure: string | undefined;
try {
  const placed = computers.map((model) => {
    const profilePath = join(profileDir, `${model.name}.json`);
    writeFileSync(profilePath, model.profile);
    return { model, profilePath };
  });
  process.stderr.write("[bench] starting 2 computers and a router per policy\n");
  const started = await launchRoutingDomain(placed, policies, (d) => {
    domain = d;
  });
  endpoints = computers.map((model) => ({ model, endpoint: started.ports.endpoint(model.name) }));
  for (const policy of policies) await installRoutes(started, policy, computers);
  memory.watch(
    started.topology.processes.map(({ name }) => {
      const pid = started.supervisor.pid(name);
      if (pid === undefined) throw new Error(`${name} is not running`);
      return { name, pid };
    }),
  );
  memory.read("rest");
  for (const policy of policies) {
    process.stderr.write(`[bench] ${policy.name}\n`);
    const base = {
      policy: policy.name,
      tableConf: policy.tableConf,
      optimizerConf: policy.optimizerConf,
    };
    try {
      const result = await runPoissonLoad({
        endpoint: started.ports.endpoint(routerName(policy)),
        lambda: ROUTED_LAMBDA,
        rate,
        seed,
        warmupMs: warmupSeconds * 1000,
        measureMs: measureSeconds * 1000,
        drainMs: drainSeconds * 1000,
        callTimeoutMs: 60_000,
      });
      runs.push({ ...base, result });
    } catch (error) {
      runs.push({ ...base, failure: String(error) });
    }
    memory.read(`after ${shortName(policy.name)}`);
  }
} catch (error) {
  failure = error instanceof Error ? error.message : String(error);
} finally {
  await children.stopAll();
  await domain?.stop();
  rmSync(profileDir, { recursive: true, force: true });
}

if (runs.length > 0) {
  console.log(`\n${warmupSeconds} s warm-up, ${measureSeconds} s measured per policy\n`);
  console.log(formatRoutingTable(runs, ORACLE, endpoints));
  for (const run of runs) {
    if (run.result?.firstError !== undefined) {
      console.log(`${run.policy}: ${run.result.errors} errors, first: ${run.result.firstError}`);
    }
  }
  console.log(`\n${memory.format("RSS of each process: at rest, then after each policy's run")}`);
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    runFrom: runFromEnv(),
    warmupSeconds,
    measureSeconds,
    load,
    seed,
    rate,
    computers: computers.map(({ profile: _profile, ...model }) => model),
    oracleModelMeanMs: oracleModelMeanMs(),
    runs: runs.map((run) => ({
      ...run,
      computers: run.result === undefined ? undefined : computerShares(run.result, endpoints),
    })),
    memory: memory.rows(),
  };
  const path = process.env.BENCH_JSON || join(tmpdir(), `soe-bench-routing-${Date.now()}.json`);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nresults written to ${path}`);
}
if (failure !== undefined) console.log(`\nFAILED: ${failure}`);
const failed =
  failure !== undefined ||
  runs.length < policies.length ||
  runs.some((r) => r.result === undefined || r.result.errors > 0);
process.exitCode = failed ? 1 : 0;

/** A policy's name in a column header: "least-impedance" → "LI". */
function shortName(policy: string): string {
  if (policy === ORACLE) return "oracle";
  if (!policy.includes("-")) return policy;
  return policy
    .split("-")
    .map((word) => word[0]?.toUpperCase() ?? "")
    .join("");
}

/** The oracle split's mean latency in the queueing model alone (no network, no timers). */
function oracleModelMeanMs(): number {
  return computers.reduce(
    (sum, c) => sum + (c.capacity / capacity) * mD1MeanMs(c, rate * (c.capacity / capacity)),
    0,
  );
}

function header(): string {
  const describe = (c: (typeof computers)[number]) =>
    `${c.name}: ${c.workers} worker(s), ${fixed(c.serviceMs, 1)} ms per call, ${fixed(c.capacity, 1)} calls/s`;
  const model = oracleModelMeanMs();
  return [
    "bench:routing: routing quality over two unequal simulated computers, over 127.0.0.1",
    `node ${process.version}, ${availableParallelism()} CPUs, services from ${runFromEnv()}, unpinned`,
    `${computers.map(describe).join("; ")}`,
    `Poisson arrivals (seed ${seed}) at ${fixed(load * 100, 0)} % of ${fixed(capacity, 1)} calls/s = ${fixed(rate, 1)} calls/s` +
      (Number.isFinite(model)
        ? `; the oracle split's M/D/1 mean is ${fixed(model, 2)} ms (model alone)`
        : ""),
  ].join("\n");
}
