/**
 * `pnpm bench:deploy`: how long a user waits between `wsk action create` and the first
 * successful invocation, through the proxy of the seed scenario (two OpenWhisk installations,
 * each behind its wsk-computer), against the same two steps on one OpenWhisk (mock) directly,
 * measured in the same run. Also times an update until the new code answers, and a delete.
 * Each round deploys a fresh action; the first invocation is attempted at once after the create
 * answers (the domain promises read-your-writes), and retried every 20 ms if it fails, so a
 * broken promise shows as retries and time, not as a crash.
 *
 * Environment: DEPLOY_ROUNDS (default 20), BENCH_JSON (where the results go; else a temporary
 * file whose path is printed). Needs `pnpm build` (SOE_E2E_FROM=source runs the services from
 * their sources instead).
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ChildProcesses,
  countFromEnv,
  fixed,
  formatTextTable,
  LatencySamples,
  mean,
  percentile,
} from "@soe/bench";
import openwhisk from "openwhisk";
import { GUEST_KEY, SEED, type SeedScenario, startSeedScenario } from "../src/index.js";
import { guardBench } from "./bench-guard.js";

const rounds = countFromEnv("DEPLOY_ROUNDS", 20);

let scenario: SeedScenario | undefined;
guardBench(
  new ChildProcesses(),
  () => (scenario === undefined ? [] : [scenario]),
  (rounds * 10 + 120) * 1000,
);
scenario = await startSeedScenario({ ports: "free", token: "deploy-bench-token" });

type Client = ReturnType<typeof openwhisk>;
const code = (word: string) => `function main() { return { word: "${word}" }; }`;

interface Timing {
  /** ms from sending the create to its answer. */
  readonly create: number;
  /** ms from sending the create to the first invocation answering the new code. */
  readonly firstInvoke: number;
  /** Invocations that failed or answered old code before the first good one. */
  readonly retries: number;
}

/** Invokes until the action answers `word`; counts the attempts that did not. */
async function invokeUntil(ow: Client, name: string, word: string): Promise<number> {
  for (let retries = 0; ; retries++) {
    try {
      const result = (await ow.actions.invoke({ name, blocking: true, result: true })) as {
        word?: string;
      };
      if (result.word === word) return retries;
    } catch {
      // Not there yet: retried below.
    }
    if (retries > 500) throw new Error(`${name} never answered '${word}'`);
    await sleep(20);
  }
}

async function deployAndInvoke(ow: Client, name: string, word: string, update: boolean) {
  const start = performance.now();
  if (update) await ow.actions.update({ name, action: code(word) });
  else await ow.actions.create({ name, action: code(word) });
  const create = performance.now() - start;
  const retries = await invokeUntil(ow, name, word);
  return { create, firstInvoke: performance.now() - start, retries } satisfies Timing;
}

interface Series {
  readonly create: LatencySamples;
  readonly firstInvoke: LatencySamples;
  readonly remove: LatencySamples;
  retries: number;
}

const newSeries = (): Series => ({
  create: new LatencySamples(),
  firstInvoke: new LatencySamples(),
  remove: new LatencySamples(),
  retries: 0,
});

async function round(ow: Client, name: string, series: Series, updates: Series) {
  const created = await deployAndInvoke(ow, name, "first", false);
  series.create.add(created.create);
  series.firstInvoke.add(created.firstInvoke);
  series.retries += created.retries;
  const updated = await deployAndInvoke(ow, name, "second", true);
  updates.create.add(updated.create);
  updates.firstInvoke.add(updated.firstInvoke);
  updates.retries += updated.retries;
  const start = performance.now();
  await ow.actions.delete({ name });
  series.remove.add(performance.now() - start);
}

const viaDomain = openwhisk({ apihost: scenario.proxyUrl, api_key: GUEST_KEY });
const direct = openwhisk({ apihost: scenario.ports.url(SEED.ow1), api_key: GUEST_KEY });
const results = {
  domain: { create: newSeries(), update: newSeries() },
  direct: { create: newSeries(), update: newSeries() },
};
// Interleaved, so both see the same machine state; the first round of each warms up.
for (let i = 0; i <= rounds; i++) {
  const d = i === 0 ? { create: newSeries(), update: newSeries() } : results.domain;
  const o = i === 0 ? { create: newSeries(), update: newSeries() } : results.direct;
  await round(viaDomain, `bench-deploy-${i}`, d.create, d.update);
  await round(direct, `bench-direct-${i}`, o.create, o.update);
}

const stats = (samples: LatencySamples) => {
  const sorted = samples.sorted();
  return {
    mean: mean(sorted),
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    max: percentile(sorted, 1),
  };
};
const rows: string[][] = [];
const json: Record<string, unknown> = { rounds };
for (const [path, r] of Object.entries(results)) {
  for (const [what, samples, retries] of [
    ["create → first good invoke", r.create.firstInvoke, r.create.retries],
    ["create answered", r.create.create, undefined],
    ["update → new code answers", r.update.firstInvoke, r.update.retries],
    ["delete answered", r.create.remove, undefined],
  ] as const) {
    const s = stats(samples);
    json[`${path}: ${what}`] = { ...s, retries };
    rows.push([
      path,
      what,
      fixed(s.mean, 1),
      fixed(s.p50, 1),
      fixed(s.p90, 1),
      fixed(s.max, 1),
      retries === undefined ? "" : String(retries),
    ]);
  }
}
const ratio =
  stats(results.domain.create.firstInvoke).mean / stats(results.direct.create.firstInvoke).mean;
process.stdout.write(
  `${formatTextTable(
    `deploy latency, ${rounds} rounds (two installations through the proxy vs one OpenWhisk mock directly), ms`,
    ["path", "step", "mean", "p50", "p90", "max", "failed invokes first"],
    rows,
  )}\ncreate → first invoke through the domain: ${fixed(ratio, 2)}× the direct mock's (goal: ≤ 1,000 ms at p90)\n`,
);
const out = process.env.BENCH_JSON ?? join(tmpdir(), `soe-bench-deploy-${process.pid}.json`);
writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
process.stdout.write(`results: ${out}\n`);
await scenario.stop();
process.exit(0);
