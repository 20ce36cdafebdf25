/**
 * `pnpm bench:soak`: the seed scenario under valid load through the whole path (the OpenWhisk
 * client → proxy → router → wsk-computer → OpenWhisk, and edgeclient-style calls of the native
 * lambda through the router) for SOAK_SECONDS, while every port (controller, router lambdas and
 * table, computer, wsk-computer, proxy, OpenWhisk mock) takes seeded hostile input the whole time.
 * Reports failed valid calls, hostile inputs per port and any answer outside the documented ones,
 * and each process's RSS after warm-up, at its peak and at the end. Exits non-zero on a failed
 * valid call, a broken rule or a lost process; asserts nothing on time.
 *
 * Environment: SOAK_SECONDS (default 300), SOAK_WARMUP_SECONDS (default 30), SOAK_VALID_LOOPS
 * (concurrent valid callers, default 4), SOAK_HOSTILE_CONCURRENCY (hostile connections at once
 * per port, default 2: seven ports, so 14 hostile clients beside the valid ones), FUZZ_SEED
 * (default "soak-1"), E2E_LOGS=1 (every process's log lines on stderr), BENCH_JSON (where the
 * results go; else a temporary file whose path is printed). Needs `pnpm build`
 * (SOE_E2E_FROM=source runs the services from their sources instead).
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ChildProcesses, countFromEnv, fixed, formatTextTable, secondsFromEnv } from "@soe/bench";
import { SEED, type SeedScenario, startSeedScenario } from "../src/index.js";
import {
  attack,
  casesFor,
  type HostilePort,
  rssMb,
  seedPorts,
  ValidTraffic,
} from "../test/support/hostile-ports.js";
import { guardBench } from "./bench-guard.js";

const soakSeconds = secondsFromEnv("SOAK_SECONDS", 300);
const warmupSeconds = secondsFromEnv("SOAK_WARMUP_SECONDS", 30);
const validLoops = countFromEnv("SOAK_VALID_LOOPS", 4);
const seed = process.env.FUZZ_SEED ?? "soak-1";
const hostileConcurrency = countFromEnv("SOAK_HOSTILE_CONCURRENCY", 2);
const batch = 200;

let scenario: SeedScenario | undefined;
guardBench(
  new ChildProcesses(),
  () => (scenario === undefined ? [] : [scenario]),
  (soakSeconds + warmupSeconds + 180) * 1000,
);

// E2E_LOGS=1: every process's log lines on stderr, prefixed by its name.
const launch =
  process.env.E2E_LOGS === "1"
    ? { onLine: (name: string, line: string) => process.stderr.write(`[${name}] ${line}\n`) }
    : {};
scenario = await startSeedScenario(
  {
    ports: "free",
    // The default lease (15 s), as a deployment has: hostile load must not cost a peer its lease.
    listerPeriodSeconds: 0.5,
    token: "soak-token",
  },
  launch,
);
const s = scenario;
console.log(
  `seed scenario up; warm-up ${warmupSeconds} s, then ${soakSeconds} s of valid + hostile load (seed ${seed})`,
);

const traffic = Array.from({ length: validLoops }, () => new ValidTraffic(s));
let stopValid = false;
const validLoopsDone = traffic.map(async (t) => {
  while (!stopValid) await t.once();
});

await sleep(warmupSeconds * 1000);
const atWarm = rssMb(s);
const peak = new Map(atWarm);
// RSS every 30 s after warm-up: a leak climbs steadily, V8 settling into its heap levels off.
const series = new Map<string, number[]>();
let samples = 0;
const sampler = setInterval(() => {
  const now = rssMb(s);
  for (const [name, mb] of now) peak.set(name, Math.max(peak.get(name) ?? 0, mb ?? 0));
  if (++samples % 6 !== 0) return;
  for (const [name, mb] of now) series.set(name, [...(series.get(name) ?? []), mb ?? Number.NaN]);
}, 5_000);
const validBefore = traffic.reduce((n, t) => n + t.ok, 0);

const ends = Date.now() + soakSeconds * 1000;
const inputs = new Map<string, number>();
const violations: string[] = [];
/** One attacker per port, round after round of new inputs, until the soak's time is up. */
async function besiege(port: HostilePort): Promise<void> {
  for (let round = 0; Date.now() < ends; round++) {
    const cases = casesFor(port, `${seed}:${round}`, 2_000);
    for (let start = 0; start < cases.length && Date.now() < ends; start += batch) {
      const report = await attack(
        port,
        cases.slice(start, start + batch),
        async () => undefined,
        batch,
        hostileConcurrency,
      );
      inputs.set(port.name, (inputs.get(port.name) ?? 0) + report.cases);
      violations.push(...report.violations);
    }
  }
}
await Promise.all(seedPorts(s).map(besiege));
stopValid = true;
await Promise.all(validLoopsDone);
clearInterval(sampler);
const atEnd = rssMb(s);
for (const [name, mb] of atEnd) peak.set(name, Math.max(peak.get(name) ?? 0, mb ?? 0));
const alive = Object.values(SEED).map((name) => [name, s.supervisor.isRunning(name)] as const);
for (const t of traffic) t.close();

const validOk = traffic.reduce((n, t) => n + t.ok, 0) - validBefore;
const validFailed = traffic.flatMap((t) => t.failed);
const rows = Object.values(SEED).map((name) => {
  const warm = atWarm.get(name);
  const end = atEnd.get(name);
  return [
    name,
    warm === undefined ? "gone" : fixed(warm, 1),
    fixed(peak.get(name) ?? 0, 1),
    end === undefined ? "gone" : fixed(end, 1),
    warm === undefined || end === undefined ? "-" : fixed(end - warm, 1),
  ];
});
console.log(
  formatTextTable(
    "RSS per process (MB)",
    ["process", "after warm-up", "peak", "end", "growth"],
    rows,
  ),
);
console.log("RSS every 30 s after warm-up (MB):");
for (const [name, mbs] of series)
  console.log(`  ${name.padEnd(10)} ${mbs.map((mb) => fixed(mb, 0)).join(" ")}`);
console.log(
  formatTextTable(
    "hostile inputs per port",
    ["port", "inputs"],
    [...inputs].map(([port, n]) => [port, String(n)]),
  ),
);
console.log(`valid calls during the soak: ${validOk} ok, ${validFailed.length} failed`);
for (const failure of validFailed.slice(0, 10)) console.log(`  failed: ${failure}`);
console.log(`answers outside the documented ones: ${violations.length}`);
for (const violation of violations.slice(0, 20)) console.log(`  ${violation}`);
const lost = alive.filter(([, running]) => !running).map(([name]) => name);
console.log(`processes lost: ${lost.length === 0 ? "none" : lost.join(", ")}`);
if (lost.length > 0)
  console.log(`--- last lines of each process ---\n${s.supervisor.tail.format()}`);

const results = {
  date: new Date().toISOString(),
  seed,
  soakSeconds,
  warmupSeconds,
  validOk,
  validFailed: validFailed.length,
  violations,
  inputs: Object.fromEntries(inputs),
  rssMb: Object.fromEntries(
    Object.values(SEED).map((name) => [
      name,
      {
        warm: atWarm.get(name),
        peak: peak.get(name),
        end: atEnd.get(name),
        every30s: series.get(name),
      },
    ]),
  ),
  lost,
};
const path = process.env.BENCH_JSON ?? join(tmpdir(), `soe-soak-${Date.now()}.json`);
writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
console.log(`results: ${path}`);
await s.stop();
process.exit(validFailed.length === 0 && violations.length === 0 && lost.length === 0 ? 0 : 1);
