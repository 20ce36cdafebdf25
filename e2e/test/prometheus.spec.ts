import { setTimeout as sleep } from "node:timers/promises";
import { type PrometheusServer, type QuerySample, startPrometheusServer } from "@soe/testing";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { COPY_LAMBDA, CONSOLE, GUEST_KEY, NATIVE_LAMBDA, SEED } from "../src/seed-scenario.js";
import { runEdgeClient } from "./support/edgeclient.js";
import { useSeedScenario } from "./support/seed-domain.js";

// A real Prometheus (Debian's prometheus package; .ci/run installs it) scrapes every process of
// the `pnpm dev` domain, as an operator would run it: one job per process, its main port's
// /metrics, every second. `pnpm test:prometheus` runs this file alone.
const scenario = useSeedScenario({ labelInstallations: true, console: true });

let prometheus: PrometheusServer | undefined;

beforeAll(async () => {
  const s = scenario();
  prometheus = await startPrometheusServer(
    s.topology.processes.map((p) => ({ name: p.name, targets: [s.ports.endpoint(p.name)] })),
    { scrapeIntervalSeconds: 1 },
  );
}, 60_000);

afterAll(async () => {
  await prometheus?.close();
});

function server(): PrometheusServer {
  if (prometheus === undefined) throw new Error("Prometheus did not start");
  return prometheus;
}

/** One query per process: what that service's own metrics say once traffic went through. */
const queries: Readonly<Record<string, string>> = {
  [SEED.controller]: 'soe_controller_table_batches_total{job="controller",outcome="ok"} > 0',
  [SEED.router]: `sum by (job) (soe_router_forwarded_total{job="router",outcome="ok"}) >= 12`,
  [SEED.ow1]: 'server_open_connections{job="OW1"} >= 1',
  [SEED.ow2]: 'server_open_connections{job="OW2"} >= 1',
  [SEED.wsk1]: 'rpc_server_calls_total{job="wsk1"} > 0',
  [SEED.wsk2]: 'rpc_server_calls_total{job="wsk2"} > 0',
  [SEED.computer]: `rpc_server_calls_total{job="computer",procedure="/uiiit.rpc.EdgeServer/RunLambda",code="ok"} >= 4`,
  [SEED.proxy]: 'nodejs_heap_size_used_bytes{job="proxy"} > 0',
  [CONSOLE]: 'process_resident_memory_bytes{job="console"} > 0',
};

/** Runs every query until each returns data; rejects naming the ones that never did. */
async function untilEveryQueryAnswers(
  byJob: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<Map<string, QuerySample[]>> {
  const until = Date.now() + timeoutMs;
  const answers = new Map<string, QuerySample[]>();
  for (;;) {
    for (const [job, promql] of Object.entries(byJob)) {
      if ((answers.get(job)?.length ?? 0) === 0) answers.set(job, await server().query(promql));
    }
    const empty = [...answers].filter(([, samples]) => samples.length === 0).map(([job]) => job);
    if (empty.length === 0) return answers;
    if (Date.now() > until) {
      throw new Error(
        `no data within ${timeoutMs} ms for: ${empty.map((j) => `${j}: ${byJob[j]}`).join("; ")}`,
      );
    }
    await sleep(250);
  }
}

describe("Prometheus scraping the pnpm dev domain", () => {
  test("finds every process's /metrics up", async () => {
    const s = scenario();
    const targets = await server().waitForTargetsUp(30_000);
    expect(targets.map((t) => [t.job, t.instance]).sort()).toEqual(
      s.topology.processes.map((p) => [p.name, s.ports.endpoint(p.name)]).sort(),
    );
    const up = await server().query("up");
    expect(up.map((u) => [u.labels.job, u.value]).sort()).toEqual(
      s.topology.processes.map((p) => [p.name, 1]).sort(),
    );
  });

  test("answers a PromQL query per service once invocations went through", async () => {
    const s = scenario();
    await server().waitForTargetsUp(30_000);
    // OpenWhisk traffic through the proxy (→ router → wsk-computers → mocks), four at a time so
    // that both installations take some, and native traffic straight to the router.
    const ow = openwhisk({ apihost: s.proxyUrl, api_key: GUEST_KEY });
    const invoke = () =>
      ow.actions.invoke({ name: COPY_LAMBDA, blocking: true, result: true, params: { n: 1 } });
    for (let batch = 0; batch < 2; batch++) {
      await Promise.all([invoke(), invoke(), invoke(), invoke()]);
    }
    const native = await runEdgeClient([
      "--server-endpoints",
      s.routerEndpoint,
      "--lambda",
      NATIVE_LAMBDA,
      "--num-threads",
      "1",
      "--max-requests",
      "4",
    ]);
    expect(native.code, native.stderr).toBe(0);

    expect(Object.keys(queries).sort()).toEqual(s.topology.processes.map((p) => p.name).sort());
    const answers = await untilEveryQueryAnswers(queries, 20_000);
    for (const [job, samples] of answers) {
      for (const sample of samples) expect(sample.labels.job, job).toBe(job);
    }

    // Across processes: the router's count of calls to the wsk-computers is theirs.
    const wskCalls = await untilEveryQueryAnswers(
      {
        router: `sum(soe_router_forwarded_total{job="router",outcome="ok",destination=~"${s.ports.endpoint(SEED.wsk1)}|${s.ports.endpoint(SEED.wsk2)}"}) == 8`,
        wsk: 'sum(rpc_server_calls_total{job=~"wsk1|wsk2",procedure="/uiiit.rpc.EdgeServer/RunLambda",code="ok"}) == 8',
        weights: 'count(soe_router_table_weight{job="router",table="0"}) >= 3',
        latency: 'sum(soe_router_forward_duration_seconds_count{job="router"}) >= 12',
      },
      20_000,
    );
    expect([...wskCalls.values()].every((samples) => samples.length === 1)).toBe(true);
  });
});
