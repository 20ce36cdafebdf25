/**
 * `pnpm bench:router`: what the edge router costs and how fast the controller fills many routers,
 * in one run on one machine. Prints numbers and asserts nothing on time; exits non-zero if a part
 * failed or a call errored.
 *  (a) data path: load client (this process) → router → null computer (echo server), against the
 *      same call straight to the echo server and through a bare @soe/runtime pass-through hop;
 *      the router alone on one CPU, client and echo server on another.
 *  (b) pick cost: RouterTables.select per policy with 2, 100 and 1,000 destinations, in-process.
 *  (c) convergence: the controller service installing 1,000 computers × 50 lambdas on 20 routers.
 *
 * Environment: BENCH_SECONDS (measured window of (a), default 4), BENCH_WARMUP_SECONDS (default
 * 1.5), BENCH_PICK_SECONDS (per cell of (b), default 0.2), BENCH_CONVERGE_SECONDS (longest wait
 * in (c), default 45: the whole run stays under about 2 minutes), BENCH_COMPUTERS, BENCH_LAMBDAS
 * and BENCH_ROUTERS (scale of (c), default 1,000, 50 and 20), BENCH_PARTS (comma-separated
 * subset of data,pick,converge; default all), BENCH_JSON (also write the results there).
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import {
  ChildProcesses,
  countFromEnv,
  type CpuPlan,
  guardChildren,
  type Measurement,
  pinProcess,
  planCpus,
  secondsFromEnv,
} from "@soe/bench";
import { type Convergence, measureConvergence } from "./convergence.js";
import { formatConvergence } from "./convergence-report.js";
import { dataPathVariants, formatDataPath, measureDataPath } from "./data-path.js";
import { formatPickCosts, measurePickCosts, type PickCost, pickCells } from "./pick-cost.js";

const allParts = ["data", "pick", "converge"] as const;
type Part = (typeof allParts)[number];

const warmupSeconds = secondsFromEnv("BENCH_WARMUP_SECONDS", 1.5);
const measureSeconds = secondsFromEnv("BENCH_SECONDS", 4);
const pickSeconds = secondsFromEnv("BENCH_PICK_SECONDS", 0.2);
const convergeSeconds = secondsFromEnv("BENCH_CONVERGE_SECONDS", 45);
const scale = {
  computers: countFromEnv("BENCH_COMPUTERS", 1_000),
  lambdas: countFromEnv("BENCH_LAMBDAS", 50),
  routers: countFromEnv("BENCH_ROUTERS", 20),
};
const parts = selectParts(process.env.BENCH_PARTS);
// Read before pinning: afterwards this process may use one CPU only.
const cpuCount = availableParallelism();

const children = new ChildProcesses();
guardChildren(
  children,
  ((parts.has("data") ? dataPathVariants * (warmupSeconds + measureSeconds) : 0) +
    (parts.has("pick") ? pickCells * pickSeconds * 2 : 0) +
    (parts.has("converge") ? convergeSeconds : 0) +
    90) *
    1000,
);

const plan = planCpus();
if (plan.pinned) pinProcess(process.pid, plan.clientCpu);
const clientCpu = plan.pinned ? plan.clientCpu : undefined;
const hopCpu = plan.pinned ? plan.hopCpu : undefined;

console.log(header(plan));
let dataPath: Measurement[] | undefined;
let pickCosts: PickCost[] | string | undefined;
let convergence: Convergence | undefined;
try {
  if (parts.has("data")) {
    dataPath = await measureDataPath({
      children,
      clientCpu,
      hopCpu,
      warmupSeconds,
      measureSeconds,
    });
    console.log(`\n(a) data path, ${warmupSeconds} s warm-up, ${measureSeconds} s measured\n`);
    console.log(formatDataPath(dataPath));
    for (const m of dataPath) {
      if (m.failure === undefined && m.firstError !== undefined) {
        console.log(`${m.variant} c=${m.concurrency}: ${m.errors} errors, first: ${m.firstError}`);
      }
    }
  }
  if (parts.has("pick")) {
    try {
      pickCosts = measurePickCosts({ seconds: pickSeconds });
      console.log(`\n(b) pick cost\n\n${formatPickCosts(pickCosts)}`);
    } catch (error) {
      pickCosts = String(error);
      console.log(`\n(b) pick cost\n\nFAILED: ${pickCosts}`);
    }
  }
  if (parts.has("converge")) {
    convergence = await measureConvergence({
      children,
      ...scale,
      fleets: Math.min(2, scale.routers),
      controllerCpu: hopCpu,
      routerCpu: clientCpu,
      timeoutSeconds: convergeSeconds,
    });
    console.log(`\n(c) controller convergence\n\n${formatConvergence(convergence)}`);
  }
} finally {
  await children.stopAll();
}

if (process.env.BENCH_JSON) {
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpuCount,
    pinning: plan,
    warmupSeconds,
    measureSeconds,
    pickSeconds,
    convergeSeconds,
    scale,
    dataPath,
    pickCosts,
    convergence,
  };
  writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${process.env.BENCH_JSON}`);
}
const failed =
  (dataPath?.some((m) => m.failure !== undefined || m.errors > 0) ?? false) ||
  typeof pickCosts === "string" ||
  convergence?.failure !== undefined ||
  (convergence?.stalled?.startsWith("no route") ?? false);
process.exitCode = failed ? 1 : 0;

function header(cpus: CpuPlan): string {
  const placement = cpus.pinned
    ? `router (controller in (c)) pinned to CPU ${cpus.hopCpu}; load client, echo server ` +
      `(routers in (c)) to CPU ${cpus.clientCpu}`
    : `UNPINNED (${cpus.reason}): not comparable with other runs`;
  return [
    "bench:router: the edge router's data path, pick cost and the controller's convergence, over 127.0.0.1",
    `node ${process.version}, ${cpuCount} CPUs; ${placement}`,
  ].join("\n");
}

function selectParts(list: string | undefined): ReadonlySet<Part> {
  if (list === undefined || list === "") return new Set(allParts);
  const names = list.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(allParts as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown BENCH_PARTS ${unknown.join(", ")}; known: ${allParts.join(", ")}`);
  }
  return new Set(allParts.filter((part) => names.includes(part)));
}
