/**
 * `pnpm bench:proxy`: what the OpenWhisk path of the domain costs, in one run on one machine.
 * Load: HTTP/1.1 POST /api/v1/namespaces/guest/actions/copy?blocking=true&result=true with the
 * guest key, closed loop over keep-alive connections at c=1 and c=32, every answer checked to be
 * {"payload":"hello"}. Variants, each ending at an openwhisk-mock process of its own (the mock
 * keeps state, so a shared one would differ from one variant to the next):
 *  - direct: the load client straight to a mock;
 *  - full: wskproxy → edgerouter → edgecomputerwsk → mock, the built services started by the
 *    e2e launcher, the route installed by a controller from the wsk-computer's announcement;
 *  - chain: three plain node:http2 forwarders with the same topology (HTTP/1.1 in, HTTP/2
 *    between the hops, HTTP/1.1 out), bytes piped, never decoded.
 * Placement (2+ CPUs): the hops alone on one CPU, the load client and the mocks on another.
 * Prints throughput, p50/p99, latency added over direct, hop CPU per call, the ratios
 * full/chain against the targets, and each process's RSS at rest and after the load.
 * Asserts nothing on time; exits non-zero if a variant failed or a call errored.
 *
 * Environment: BENCH_SECONDS (measured window, default 4), BENCH_WARMUP_SECONDS (default 1.5),
 * BENCH_JSON (also write the results there), BENCH_TRACING (`off`, default, or `on`: every
 * process traces every call and exports to a local OTLP sink; `compare`: a traced and an
 * untraced domain side by side, measured back to back; proxy-tracing.ts). Needs `pnpm build` (SOE_E2E_FROM=source runs the
 * services from their sources instead).
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { ChildProcesses, type CpuPlan, pinProcess, planCpus, secondsFromEnv } from "@soe/bench";
import { COPY_LAMBDA, type Domain, GUEST_KEY, runFromEnv } from "../src/index.js";
import { guardBench } from "./bench-guard.js";
import { startForwarderChain } from "./forwarder-chain.js";
import type { HttpCall } from "./http-load-client.js";
import { MemoryWatch } from "./process-memory.js";
import { PROXY_DOMAIN, startProxyDomain } from "./proxy-domain.js";
import {
  benchTracingFromEnv,
  formatTracingCost,
  startTracingSink,
  TRACED_VARIANT,
  type TracingSink,
} from "./proxy-tracing.js";
import { measureProxyVariant, type ProxyMeasurement } from "./proxy-measurement.js";
import { formatProxyTables, formatSummary, PROXY_VARIANTS, proxyRatios } from "./proxy-report.js";

const warmupSeconds = secondsFromEnv("BENCH_WARMUP_SECONDS", 1.5);
const measureSeconds = secondsFromEnv("BENCH_SECONDS", 4);
const concurrencies = [1, 32] as const;
// Read before pinning: afterwards this process may use one CPU only.
const cpuCount = availableParallelism();
const tracing = benchTracingFromEnv();
const variantCount = Object.keys(PROXY_VARIANTS).length + (tracing === "compare" ? 1 : 0);

const body = Buffer.from(JSON.stringify({ input: "hello" }));
const call: HttpCall = {
  method: "POST",
  path: "/api/v1/namespaces/guest/actions/copy?blocking=true&result=true",
  headers: {
    authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
    "content-type": "application/json",
    "content-length": String(body.byteLength),
  },
  body,
  expectedBody: JSON.stringify({ payload: "hello" }),
};

const children = new ChildProcesses();
let domain: Domain | undefined;
/** `compare`: the second domain, every process tracing. */
let traced: Domain | undefined;
guardBench(
  children,
  () => [domain, traced].filter((d) => d !== undefined),
  (concurrencies.length * variantCount * (warmupSeconds + measureSeconds + 6) + 90) * 1000,
);

const plan = planCpus();
if (plan.pinned) pinProcess(process.pid, plan.clientCpu);
const hopCpu = plan.pinned ? plan.hopCpu : undefined;
const clientCpu = plan.pinned ? plan.clientCpu : undefined;

console.log(header(plan));
const memory = new MemoryWatch();
const results: ProxyMeasurement[] = [];
let failure: string | undefined;
let sink: TracingSink | undefined;
try {
  process.stderr.write(`[bench] starting the domain (tracing ${tracing})\n`);
  sink = tracing === "off" ? undefined : await startTracingSink();
  const started = await startProxyDomain(
    (d) => {
      domain = d;
    },
    tracing === "on" ? sink?.env : {},
  );
  const tracedDomain =
    tracing === "compare"
      ? await startProxyDomain((d) => {
          traced = d;
        }, sink?.env)
      : undefined;
  const pid = (name: string) => {
    const found = started.supervisor.pid(name);
    if (found === undefined) throw new Error(`${name} is not running`);
    return found;
  };
  const mocks = new Set<string>([
    PROXY_DOMAIN.openwhisk,
    PROXY_DOMAIN.openwhiskDirect,
    PROXY_DOMAIN.openwhiskChain,
  ]);
  const services = Object.values(PROXY_DOMAIN).map((name) => ({ name, pid: pid(name) }));
  if (hopCpu !== undefined && clientCpu !== undefined) {
    for (const { name, pid } of services) {
      pinProcess(pid, mocks.has(name) ? clientCpu : hopCpu);
    }
    for (const name of Object.values(PROXY_DOMAIN)) {
      const tracedPid = tracedDomain?.supervisor.pid(name);
      if (tracedPid !== undefined) pinProcess(tracedPid, mocks.has(name) ? clientCpu : hopCpu);
    }
  }
  const chain = await startForwarderChain(
    children,
    started.ports.endpoint(PROXY_DOMAIN.openwhiskChain),
    hopCpu,
  );
  memory.watch([...services, ...chain.hops.map(({ name, pid }) => ({ name, pid }))]);
  memory.read("rest");

  const fullHops = [PROXY_DOMAIN.proxy, PROXY_DOMAIN.router, PROXY_DOMAIN.wsk].map((name) => ({
    name,
    pid: pid(name),
  }));
  type Variant = {
    variant: string;
    port: number;
    hops: { name: string; pid: number }[];
    openwhiskPid: number;
  };
  const variants: Variant[] = [
    {
      variant: PROXY_VARIANTS.direct,
      port: started.ports.port(PROXY_DOMAIN.openwhiskDirect),
      hops: [],
      openwhiskPid: pid(PROXY_DOMAIN.openwhiskDirect),
    },
    {
      variant: PROXY_VARIANTS.full,
      port: started.ports.port(PROXY_DOMAIN.proxy),
      hops: fullHops,
      openwhiskPid: pid(PROXY_DOMAIN.openwhisk),
    },
    ...(tracedDomain === undefined
      ? []
      : [
          {
            variant: TRACED_VARIANT,
            port: tracedDomain.ports.port(PROXY_DOMAIN.proxy),
            hops: [PROXY_DOMAIN.proxy, PROXY_DOMAIN.router, PROXY_DOMAIN.wsk].map((name) => ({
              name,
              pid: tracedDomain.supervisor.pid(name) as number,
            })),
            openwhiskPid: tracedDomain.supervisor.pid(PROXY_DOMAIN.openwhisk) as number,
          },
        ]),
    {
      variant: PROXY_VARIANTS.chain,
      port: chain.ingress.port,
      hops: chain.hops,
      openwhiskPid: pid(PROXY_DOMAIN.openwhiskChain),
    },
  ];
  // `compare`: the pair is measured in the other order at every other concurrency, so that
  // whatever the first leaves behind (collections, timers) does not always fall on one side.
  const swapped = [...variants];
  const full = swapped.findIndex((v) => v.variant === PROXY_VARIANTS.full);
  if (tracedDomain !== undefined && full >= 0) {
    [swapped[full], swapped[full + 1]] = [swapped[full + 1] as Variant, swapped[full] as Variant];
  }
  for (const [index, concurrency] of concurrencies.entries()) {
    const order = index % 2 === 1 || process.env.BENCH_TRACED_FIRST === "1" ? swapped : variants;
    for (const v of order) {
      results.push(
        await measureProxyVariant({
          ...v,
          concurrency,
          call,
          warmupSeconds,
          measureSeconds,
        }),
      );
    }
    memory.read(`after c=${concurrency}`);
  }
} catch (error) {
  failure = error instanceof Error ? error.message : String(error);
} finally {
  await children.stopAll();
  await domain?.stop();
  await traced?.stop();
  await sink?.close();
}

if (results.length > 0) {
  console.log(`\n${warmupSeconds} s warm-up, ${measureSeconds} s measured per row\n`);
  console.log(formatProxyTables(results));
  if (sink !== undefined) console.log(sink.summary());
  if (tracing === "compare") {
    console.log(
      `\nwhat tracing adds (sampling 1.0, same run, CPU per call):\n${formatTracingCost(results, PROXY_VARIANTS.full)}`,
    );
  }
  for (const m of results) {
    if (m.failure === undefined && m.firstError !== undefined) {
      console.log(`${m.variant} c=${m.concurrency}: ${m.errors} errors, first: ${m.firstError}`);
    }
  }
  console.log(
    `\n${memory.format("RSS of each process: at rest, after the runs at c=1, after those at c=32")}`,
  );
  const ratios = concurrencies.map((c) => proxyRatios(results, c));
  console.log(`\nfull path against the forwarder chain:\n${formatSummary(ratios)}`);
  if (process.env.BENCH_JSON) {
    const json = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpuCount,
      pinning: plan,
      runFrom: runFromEnv(),
      tracing,
      warmupSeconds,
      measureSeconds,
      lambda: COPY_LAMBDA,
      results,
      ratios,
      memory: memory.rows(),
    };
    writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`results written to ${process.env.BENCH_JSON}`);
  }
}
if (failure !== undefined) console.log(`\nFAILED: ${failure}`);
const failed =
  failure !== undefined ||
  results.length < concurrencies.length * variantCount ||
  results.some((m) => m.failure !== undefined || m.errors > 0);
process.exitCode = failed ? 1 : 0;

function header(cpus: CpuPlan): string {
  const placement = cpus.pinned
    ? `hops (proxy, router, wsk-computer, controller; forwarders) pinned to CPU ${cpus.hopCpu}; ` +
      `load client and the openwhisk-mocks to CPU ${cpus.clientCpu}`
    : `UNPINNED (${cpus.reason}): not comparable with other runs`;
  return [
    "bench:proxy: the OpenWhisk path (proxy → router → wsk-computer → openwhisk-mock) against a direct call and a plain node:http2 forwarder chain, over 127.0.0.1",
    `node ${process.version}, ${cpuCount} CPUs, services from ${runFromEnv()}, tracing ${tracing}; ${placement}`,
  ].join("\n");
}
