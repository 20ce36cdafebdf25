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
import { ChildProcesses, type StartedChild } from "./child-processes.js";
import { type CpuPlan, pinProcess, planCpus } from "./cpu-pinning.js";
import { UnaryLoadClient } from "./load.js";
import { benchRequest, benchResponse, grpcFrame } from "./messages.js";
import { processCpuTimes, processRssBytes } from "./proc-stat.js";
import { formatTables, type Measurement, summaryLine } from "./report.js";

interface Variant {
  readonly name: string;
  /** Entry script of the hop process, relative to bench/; none for the client → echo baseline. */
  readonly script?: string;
}

// grpc-js right before runtime: the ratio the targets are stated in compares neighbours in time.
const allVariants: readonly Variant[] = [
  { name: "direct" },
  { name: "http2-forwarder", script: "hops/http2-forwarder.ts" },
  { name: "grpc-js", script: "hops/grpc-js.ts" },
  { name: "runtime", script: "hops/runtime.ts" },
  { name: "connect-node", script: "hops/connect-node.ts" },
];
// c=32 first: its warm-up runs enough calls for V8 to optimize the hop's code, so c=1 is measured
// on a warm process, as a long-running router is; at c=1 first, 1.5 s is too few calls for that.
const concurrencies = [32, 1] as const;

const warmupSeconds = secondsFromEnv("BENCH_WARMUP_SECONDS", 1.5);
const measureSeconds = secondsFromEnv("BENCH_SECONDS", 4);
const variants = selectVariants(process.env.BENCH_VARIANTS);
const requestFrame = grpcFrame(benchRequest());
const responseBytes = benchResponse().byteLength;
const mb = 1024 * 1024;
// Read before pinning: afterwards this process may use one CPU only.
const cpuCount = availableParallelism();

const children = new ChildProcesses();
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n[bench] ${signal}: stopping children\n`);
    children.killAllNow();
    process.exit(code);
  });
}
process.on("uncaughtException", (error) => {
  process.stderr.write(`[bench] crashed: ${error.stack ?? error}\n`);
  children.killAllNow();
  process.exit(1);
});
// A stuck child or call must not hold the bench (or CI) forever.
const budgetMs =
  (variants.length * concurrencies.length * (warmupSeconds + measureSeconds) + 60) * 1000;
setTimeout(() => {
  process.stderr.write(`[bench] still running after ${budgetMs / 1000} s: giving up\n`);
  children.killAllNow();
  process.exit(1);
}, budgetMs).unref();

const plan = planCpus();
if (plan.pinned) pinProcess(process.pid, plan.clientCpu);
const clientCpu = plan.pinned ? plan.clientCpu : undefined;
const hopCpu = plan.pinned ? plan.hopCpu : undefined;

console.log(header(plan));
const measurements: Measurement[] = [];
try {
  const echo = await children.start("echo-server", "echo-server.ts", [], clientCpu);
  const upstream = `127.0.0.1:${echo.port}`;
  for (const variant of variants) {
    if (variant.script === undefined) {
      for (const c of concurrencies) {
        measurements.push(await measureOrFail(variant.name, c, echo.port, echo.pid, undefined));
      }
      continue;
    }
    let hop: StartedChild;
    try {
      hop = await children.start(variant.name, variant.script, [upstream], hopCpu);
    } catch (error) {
      for (const c of concurrencies) {
        measurements.push({ variant: variant.name, concurrency: c, failure: String(error) });
      }
      continue;
    }
    const rssRest = processRssBytes(hop.pid);
    for (const c of concurrencies) {
      measurements.push(await measureOrFail(variant.name, c, hop.port, echo.pid, { hop, rssRest }));
    }
    await children.stop(hop.pid);
  }
} finally {
  await children.stopAll();
}

console.log(`\n${formatTables(measurements)}\n`);
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

/** A variant that breaks (a hop that dies, a refused connection) costs its row, not the run. */
async function measureOrFail(...args: Parameters<typeof measure>): Promise<Measurement> {
  try {
    return await measure(...args);
  } catch (error) {
    return { variant: args[0], concurrency: args[1], failure: String(error) };
  }
}

async function measure(
  variant: string,
  concurrency: number,
  port: number,
  echoPid: number,
  hopProcess: { hop: StartedChild; rssRest: number } | undefined,
): Promise<Measurement> {
  process.stderr.write(`[bench] ${variant} c=${concurrency}\n`);
  const client = await UnaryLoadClient.connect(`127.0.0.1:${port}`, requestFrame);
  try {
    // One call first: a broken path is reported once, not as a window full of errors.
    const firstCall = await client.once();
    if (firstCall !== undefined) {
      return { variant, concurrency, failure: `first call failed: ${firstCall}` };
    }
    const hopPid = hopProcess?.hop.pid;
    const cpu = { hopUser: 0, hopSystem: 0, echo: 0, self: 0 };
    const load = await client.closedLoop({
      concurrency,
      warmupMs: warmupSeconds * 1000,
      measureMs: measureSeconds * 1000,
      onWindow: (edge) => {
        const sign = edge === "open" ? -1 : 1;
        if (hopPid !== undefined) {
          const hop = processCpuTimes(hopPid);
          cpu.hopUser += sign * hop.user;
          cpu.hopSystem += sign * hop.system;
        }
        const echo = processCpuTimes(echoPid);
        cpu.echo += sign * (echo.user + echo.system);
        const self = process.cpuUsage();
        cpu.self += (sign * (self.user + self.system)) / 1e6;
      },
    });
    const window = load.windowSeconds;
    const hopCpu = cpu.hopUser + cpu.hopSystem;
    return {
      variant,
      concurrency,
      calls: load.calls,
      errors: load.errors,
      firstError: load.firstError,
      callsPerSecond: load.callsPerSecond,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      clientCpuPercent: ((cpu.echo + cpu.self) / window) * 100,
      hop:
        hopProcess === undefined
          ? undefined
          : {
              cpuUsPerCall: (hopCpu / load.calls) * 1e6,
              cpuPercent: (hopCpu / window) * 100,
              systemShare: hopCpu > 0 ? cpu.hopSystem / hopCpu : Number.NaN,
              rssRestMb: hopProcess.rssRest / mb,
              rssAfterMb: processRssBytes(hopProcess.hop.pid) / mb,
            },
    };
  } finally {
    client.close();
  }
}

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

function secondsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`${name} must be a positive number of seconds, got "${raw}"`);
  }
  return seconds;
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
