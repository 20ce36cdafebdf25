/**
 * `pnpm bench:controller`: how fast the controller brings a domain's forwarding tables up (issue
 * 13). For each size `computers × lambdas × routers`: one controller process (flat installer),
 * real edge routers spread over two processes (several `createRouterServer`s in each, announcing
 * themselves like any router), and fake computers — announcements only, 16 in flight, sent by
 * this process once every router is registered. Reported: time from the first AnnounceComputer
 * until every router's table #0 holds every pair (convergence), entries installed per second,
 * AnnounceComputer latency in the burst and of lease refreshes sent every 10 ms while the
 * installation runs, CPU per installed entry of the controller and of the routers, and RSS.
 *
 * Environment: CONTROLLER_BENCH_SIZES (default `100x50x5,1000x50x20`), CONTROLLER_BENCH_TIMEOUT
 * (seconds per size, default 120), BENCH_JSON (where the results go as JSON).
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import {
  ChildProcesses,
  fixed,
  formatTextTable,
  grouped,
  LatencySamples,
  percentile,
  processCpuTimes,
  processRssBytes,
  type StartedChild,
  secondsFromEnv,
} from "@soe/bench";
import { EdgeController, soev1 } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { guardBench } from "./bench-guard.js";

interface Size {
  readonly computers: number;
  readonly lambdas: number;
  readonly routers: number;
}

interface Result extends Size {
  readonly routerProcesses: number;
  /** Seconds from the first AnnounceComputer until the last router held every pair. */
  readonly convergenceSeconds: number | undefined;
  readonly entries: number;
  readonly entriesPerSecond: number | undefined;
  /** Seconds from the first to the last AnnounceComputer answered. */
  readonly announceSeconds: number;
  readonly announceP50Ms: number;
  readonly announceP99Ms: number;
  /** Lease refreshes sent while the installation ran (identical re-announcements). */
  readonly refreshes: number;
  readonly refreshP50Ms: number | undefined;
  readonly refreshP99Ms: number | undefined;
  readonly controllerCpuUsPerEntry: number;
  readonly routersCpuUsPerEntry: number;
  readonly controllerRssMb: number;
  readonly controllerRssRestMb: number;
  /** Per router: its process's RSS after convergence over the routers in it. */
  readonly routerRssMb: number;
  readonly stalled: string | undefined;
}

const sizes = parseSizes(process.env.CONTROLLER_BENCH_SIZES ?? "100x50x5,1000x50x20");
const timeoutSeconds = secondsFromEnv("CONTROLLER_BENCH_TIMEOUT", 120);
const announceConcurrency = 16;
const refreshPeriodMs = 10;
const mb = 1024 * 1024;

const children = new ChildProcesses();
guardBench(children, () => [], (timeoutSeconds + 60) * sizes.length * 1000);

console.log(
  `bench:controller: table installation by the controller, over 127.0.0.1; node ${process.version}, ` +
    `${cpus().length} CPUs, unpinned; routers are real router servers, several per process`,
);
const results: Result[] = [];
try {
  for (const size of sizes) {
    const result = await measure(size);
    results.push(result);
    console.log(`\n${report(result)}`);
  }
} finally {
  await children.stopAll();
}

if (process.env.BENCH_JSON) {
  const out = { date: new Date().toISOString(), node: process.version, results };
  writeFileSync(
    process.env.BENCH_JSON,
    `${JSON.stringify(out, (_, v) => (typeof v === "bigint" ? String(v) : v), 2)}\n`,
  );
  console.log(`results written to ${process.env.BENCH_JSON}`);
}
process.exitCode = results.some((r) => r.convergenceSeconds === undefined) ? 1 : 0;

async function measure(size: Size): Promise<Result> {
  const { computers, lambdas, routers } = size;
  const started: StartedChild[] = [];
  try {
    const controller = await children.start(
      "controller",
      new URL("controller-child.ts", import.meta.url),
      [],
    );
    started.push(controller);
    const endpoint = `127.0.0.1:${controller.port}`;
    const routes = computers * lambdas;
    const fleets = Math.min(2, routers);
    const converged: number[] = [];
    let progressAt = performance.now();
    let lastProgress = -1;
    const progress = new Map<number, number>();
    for (let f = 0; f < fleets; f++) {
      const count = Math.floor(routers / fleets) + (f < routers % fleets ? 1 : 0);
      started.push(
        await children.start(
          `routers-${f}`,
          new URL("controller-routers.ts", import.meta.url),
          [endpoint, String(count), String(routes)],
          {
            onLine: (line) => {
              const [kind, value] = line.split(" ");
              if (kind === "converged") converged.push(performance.now());
              if (kind === "progress") progress.set(f, Number(value));
            },
          },
        ),
      );
    }
    const fleetPids = started.slice(1).map((c) => c.pid);
    const transport = createTransport(endpoint);
    try {
      await waitForRouters(transport, routers);
      const controllerRssRest = processRssBytes(controller.pid);
      const cpu0 = { controller: cpuSeconds([controller.pid]), routers: cpuSeconds(fleetPids) };
      process.stderr.write(
        `[bench] ${computers} computers × ${lambdas} lambdas on ${routers} routers\n`,
      );
      const client = createClient(EdgeController, transport);
      const containers = Array.from({ length: lambdas }, (_, j) => ({
        name: `container${j}`,
        processor: "cpu",
        lambda: `lambda${j}`,
        numWorkers: 1,
      }));
      const announceLatency = new LatencySamples();
      const refreshLatency = new LatencySamples();
      const t0 = performance.now();
      let next = 0;
      const announcer = async () => {
        while (next < computers) {
          const i = next++;
          const start = performance.now();
          await client.announceComputer({ edgeServerEndpoint: computer(i), containers });
          announceLatency.add(performance.now() - start);
        }
      };
      let installing = true;
      // A lease refresh (an identical re-announcement) every 10 ms while tables are installed:
      // what every peer of a running domain sends, and what must never wait on installation.
      const refresher = async () => {
        await sleep(refreshPeriodMs);
        while (installing) {
          const start = performance.now();
          await client.announceComputer({ edgeServerEndpoint: computer(0), containers });
          if (installing) refreshLatency.add(performance.now() - start);
          await sleep(refreshPeriodMs);
        }
      };
      const refreshing = refresher();
      await Promise.all(Array.from({ length: announceConcurrency }, announcer));
      const announced = performance.now();

      const deadline = t0 + timeoutSeconds * 1000;
      let stalled: string | undefined;
      while (converged.length < routers && stalled === undefined) {
        await sleep(5);
        const total = [...progress.values()].reduce((a, b) => a + b, 0);
        if (total !== lastProgress) {
          lastProgress = total;
          progressAt = performance.now();
        }
        if (performance.now() > deadline) stalled = `not converged within ${timeoutSeconds} s`;
        else if (performance.now() - progressAt > 10_000) stalled = "no progress for 10 s";
      }
      installing = false;
      await refreshing;
      const done = Math.max(...converged, announced);
      const cpu1 = { controller: cpuSeconds([controller.pid]), routers: cpuSeconds(fleetPids) };
      const entries = routes * routers;
      const convergenceSeconds = stalled === undefined ? (done - t0) / 1000 : undefined;
      const burst = announceLatency.sorted();
      const refresh = refreshLatency.sorted();
      return {
        ...size,
        routerProcesses: fleets,
        convergenceSeconds,
        entries,
        entriesPerSecond:
          convergenceSeconds === undefined ? undefined : entries / convergenceSeconds,
        announceSeconds: (announced - t0) / 1000,
        announceP50Ms: percentile(burst, 0.5),
        announceP99Ms: percentile(burst, 0.99),
        refreshes: refresh.length,
        refreshP50Ms: refresh.length === 0 ? undefined : percentile(refresh, 0.5),
        refreshP99Ms: refresh.length === 0 ? undefined : percentile(refresh, 0.99),
        controllerCpuUsPerEntry: ((cpu1.controller - cpu0.controller) / entries) * 1e6,
        routersCpuUsPerEntry: ((cpu1.routers - cpu0.routers) / entries) * 1e6,
        controllerRssMb: processRssBytes(controller.pid) / mb,
        controllerRssRestMb: controllerRssRest / mb,
        routerRssMb: fleetPids.reduce((sum, pid) => sum + processRssBytes(pid), 0) / mb / routers,
        stalled,
      };
    } finally {
      transport.close();
    }
  } finally {
    await Promise.all(started.map((child) => children.stop(child.pid)));
  }
}

function computer(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:6473`;
}

function report(r: Result): string {
  const ms = (v: number | undefined) => (v === undefined ? "-" : fixed(v, 1));
  const title =
    `${grouped(r.computers)} computers × ${r.lambdas} lambdas on ${r.routers} routers ` +
    `(${r.routerProcesses} router processes): ${grouped(r.entries)} entries` +
    (r.stalled === undefined ? "" : ` — ${r.stalled}`);
  return formatTextTable(
    title,
    ["measure", "value"],
    [
      [
        "convergence (s)",
        r.convergenceSeconds === undefined ? "-" : fixed(r.convergenceSeconds, 2),
      ],
      [
        "entries/s",
        r.entriesPerSecond === undefined ? "-" : grouped(Math.round(r.entriesPerSecond)),
      ],
      ["announcing (s)", fixed(r.announceSeconds, 2)],
      [
        "AnnounceComputer p50 / p99 in the burst (ms)",
        `${ms(r.announceP50Ms)} / ${ms(r.announceP99Ms)}`,
      ],
      [
        `lease refresh p50 / p99 while installing (ms, n=${r.refreshes})`,
        `${ms(r.refreshP50Ms)} / ${ms(r.refreshP99Ms)}`,
      ],
      ["controller CPU per entry (µs)", fixed(r.controllerCpuUsPerEntry, 2)],
      ["routers CPU per entry (µs)", fixed(r.routersCpuUsPerEntry, 2)],
      [
        "controller RSS at rest / after (MB)",
        `${fixed(r.controllerRssRestMb, 0)} / ${fixed(r.controllerRssMb, 0)}`,
      ],
      ["RSS per router after (MB, process RSS / routers in it)", fixed(r.routerRssMb, 0)],
    ],
  );
}

function cpuSeconds(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    const cpu = processCpuTimes(pid);
    sum += cpu.user + cpu.system;
  }
  return sum;
}

async function waitForRouters(transport: ReturnType<typeof createTransport>, routers: number) {
  const query = createClient(soev1.ControllerQueryService, transport);
  const deadline = performance.now() + 30_000;
  for (;;) {
    const { routers: registered } = await query.listRouters({});
    if (registered.length >= routers) return;
    if (performance.now() > deadline) {
      throw new Error(`only ${registered.length} of ${routers} routers registered after 30 s`);
    }
    await sleep(50);
  }
}

function parseSizes(text: string): Size[] {
  return text.split(",").map((spec) => {
    const [computers, lambdas, routers] = spec.trim().split("x").map(Number);
    if (![computers, lambdas, routers].every((n) => Number.isInteger(n) && (n as number) > 0)) {
      throw new Error(`CONTROLLER_BENCH_SIZES: "${spec}" is not computers×lambdas×routers`);
    }
    return { computers, lambdas, routers } as Size;
  });
}
