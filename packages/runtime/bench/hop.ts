/**
 * `pnpm bench:hop`: the cost of one unary pass-through hop (DESIGN §8), for the runtime and the
 * implementations it is weighed against, all in one run on one machine. Load client (this process)
 * → hop → echo server; the hop alone on one CPU, client and echo server on another. Prints numbers
 * and asserts nothing on time; exits non-zero only if a variant failed or a call errored.
 *
 * Environment: BENCH_SECONDS (measured window, default 4), BENCH_WARMUP_SECONDS (default 1.5),
 * BENCH_VARIANTS (comma-separated subset, default all), BENCH_JSON (also write results there).
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import {
  benchRequest,
  benchResponse,
  ChildProcesses,
  type CpuPlan,
  formatHopTables,
  guardChildren,
  grpcFrame,
  type Measurement,
  type HopVariant,
  measureHopVariants,
  pinProcess,
  planCpus,
  secondsFromEnv,
} from "@soe/bench";
import { summaryLine, yardstick } from "./report.js";

type Variant = HopVariant;

const hopScript = (name: string) => new URL(`hops/${name}.ts`, import.meta.url);
// grpc-js right before runtime: the ratio the targets are stated in compares neighbours in time.
const allVariants: readonly Variant[] = [
  { name: "direct" },
  { name: "http2-forwarder", script: hopScript("http2-forwarder") },
  { name: "grpc-js", script: hopScript("grpc-js") },
  { name: "runtime", script: hopScript("runtime") },
  { name: "connect-node", script: hopScript("connect-node") },
];
// c=32 first: its warm-up runs enough calls for V8 to optimize the hop's code, so c=1 is measured
// on a warm process, as a long-running router is; at c=1 first, 1.5 s is too few calls for that.
const concurrencies = [32, 1] as const;

const warmupSeconds = secondsFromEnv("BENCH_WARMUP_SECONDS", 1.5);
const measureSeconds = secondsFromEnv("BENCH_SECONDS", 4);
const variants = selectVariants(process.env.BENCH_VARIANTS);
const requestFrame = grpcFrame(benchRequest());
const responseBytes = benchResponse().byteLength;
// Read before pinning: afterwards this process may use one CPU only.
const cpuCount = availableParallelism();

const children = new ChildProcesses();
guardChildren(
  children,
  (variants.length * concurrencies.length * (warmupSeconds + measureSeconds) + 60) * 1000,
);

const plan = planCpus();
if (plan.pinned) pinProcess(process.pid, plan.clientCpu);
const clientCpu = plan.pinned ? plan.clientCpu : undefined;
const hopCpu = plan.pinned ? plan.hopCpu : undefined;

console.log(header(plan));
const measurements: Measurement[] = [];
try {
  measurements.push(
    ...(await measureHopVariants({
      children,
      variants,
      concurrencies,
      requestFrame,
      warmupSeconds,
      measureSeconds,
      clientCpu,
      hopCpu,
    })),
  );
} finally {
  await children.stopAll();
}

console.log(`\n${formatHopTables(measurements, yardstick)}\n`);
console.log(legend());
console.log(`\n${summaryLine(measurements)}`);
for (const m of measurements) {
  if (m.failure === undefined && m.firstError !== undefined) {
    console.log(`${m.variant} c=${m.concurrency}: ${m.errors} errors, first: ${m.firstError}`);
  }
}
if (process.env.BENCH_JSON) {
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpuCount,
    pinning: plan,
    warmupSeconds,
    measureSeconds,
    requestBytes: requestFrame.byteLength - 5,
    responseBytes,
    measurements,
  };
  writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${process.env.BENCH_JSON}`);
}
const failed = measurements.some((m) => m.failure !== undefined || m.errors > 0);
process.exitCode = failed ? 1 : 0;

function header(cpus: CpuPlan): string {
  const placement = cpus.pinned
    ? `hop pinned to CPU ${cpus.hopCpu}, load client + echo server to CPU ${cpus.clientCpu}`
    : `UNPINNED (${cpus.reason}): not comparable with DESIGN §8`;
  return [
    "bench:hop: unary pass-through hop, load client → hop → echo server over 127.0.0.1",
    `node ${process.version}, ${cpuCount} CPUs; ${placement}`,
    `LambdaRequest ${requestFrame.byteLength - 5} B, LambdaResponse ${responseBytes} B ` +
      `(+5 B gRPC envelope); per variant and c: ${warmupSeconds} s warm-up, ${measureSeconds} s measured`,
  ].join("\n");
}

function legend(): string {
  return [
    "+p50/+p99: added to `direct` (client → echo server, no hop). hop µs/call: utime+stime of the",
    "hop process over the window / calls (clock ticks from /proc). hop CPU %: of one core;",
    "sys %: the kernel's part of it (syscalls, and on a VM much of the cost of cross-CPU wake-ups).",
    "cli+echo CPU %: load client + echo server, of one core (near 100 = they bound throughput).",
    "RSS rest: after start, before any call; after: at the end of this c's window (c=32 runs first).",
  ].join("\n");
}

function selectVariants(list: string | undefined): readonly Variant[] {
  if (list === undefined || list === "") return allVariants;
  const names = list.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !allVariants.some((v) => v.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown BENCH_VARIANTS ${unknown.join(", ")}; known: ${allVariants.map((v) => v.name).join(", ")}`,
    );
  }
  return allVariants.filter((v) => names.includes(v.name));
}
