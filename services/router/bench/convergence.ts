import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import {
  type ChildProcesses,
  processCpuTimes,
  processRssBytes,
  type StartedChild,
} from "@soe/bench";
import { EdgeController, soev1 } from "@soe/proto";
import { createTransport } from "@soe/runtime";

/**
 * Part (c): the controller service installing `computers` × `lambdas` routes on `routers` real
 * routers (flat installer: every pair on every router; sent in TableSyncService batches, Configure for routers without it), timed from the first
 * AnnounceComputer until every router holds every route in table #0.
 */
export interface ConvergenceOptions {
  readonly children: ChildProcesses;
  readonly routers: number;
  readonly computers: number;
  readonly lambdas: number;
  /** Router processes the routers are spread over. */
  readonly fleets: number;
  /** CPU of the controller (the process under test), and of the routers. */
  readonly controllerCpu: number | undefined;
  readonly routerCpu: number | undefined;
  /** Give up waiting after this long; what was installed by then is reported. */
  readonly timeoutSeconds: number;
}

export type Convergence = ConvergenceResult | { readonly failure: string };

/** What the processes did over a stretch of the run. */
export interface Phase {
  readonly seconds: number;
  /** Routes that reached the routers' tables #0 meanwhile. */
  readonly routes: number;
  readonly controllerCpuSeconds: number;
  readonly routersCpuSeconds: number;
}

export interface ConvergenceResult {
  readonly failure?: undefined;
  readonly routers: number;
  readonly computers: number;
  readonly lambdas: number;
  readonly fleets: number;
  /** From the first AnnounceComputer sent to the last one answered. */
  readonly announcing: Phase;
  /** From then until the last router converged, or until the bench gave up. */
  readonly installing: Phase;
  /** Seconds from the first AnnounceComputer until each router held all its routes, sorted. */
  readonly convergedSeconds: readonly number[];
  readonly controllerRssRestMb: number;
  readonly controllerRssAfterMb: number;
  /** Why it did not converge, when it did not. */
  readonly stalled: string | undefined;
}

/** AnnounceComputer calls kept in flight: "as fast as the controller accepts them". */
const announceConcurrency = 16;
/** A run that installs nothing for this long is broken, not slow. */
const stallMs = 10_000;
const mb = 1024 * 1024;

export async function measureConvergence(options: ConvergenceOptions): Promise<Convergence> {
  const started: StartedChild[] = [];
  try {
    return await converge(options, started);
  } catch (error) {
    return { failure: String(error) };
  } finally {
    await Promise.all(started.map((child) => options.children.stop(child.pid)));
  }
}

async function converge(
  options: ConvergenceOptions,
  started: StartedChild[],
): Promise<ConvergenceResult> {
  const { children, routers, computers, lambdas, fleets } = options;
  const controller = await children.start(
    "controller",
    new URL("controller-child.ts", import.meta.url),
    [],
    { cpu: options.controllerCpu },
  );
  started.push(controller);
  const controllerRssRest = processRssBytes(controller.pid);
  const controllerEndpoint = `127.0.0.1:${controller.port}`;

  let t0: number | undefined;
  const converged: number[] = [];
  /** Routes installed, by router process, as it last reported. */
  const installed = new Map<number, number>();
  let lastProgressAt = performance.now();
  for (let f = 0; f < fleets; f++) {
    const size = Math.floor(routers / fleets) + (f < routers % fleets ? 1 : 0);
    const args = [controllerEndpoint, String(size), String(computers), String(lambdas)];
    const fleet = await children.start(
      `routers-${f}`,
      new URL("router-fleet.ts", import.meta.url),
      args,
      {
        cpu: options.routerCpu,
        onLine: (line) => {
          const [kind, value] = line.split(" ");
          if (kind === "converged" && t0 !== undefined) {
            converged.push((performance.now() - t0) / 1000);
          } else if (kind === "progress") {
            const routes = Number(value);
            if (routes !== installed.get(f)) lastProgressAt = performance.now();
            installed.set(f, routes);
          }
        },
      },
    );
    started.push(fleet);
  }
  const fleetPids = started.slice(1).map((child) => child.pid);
  const routes = () =>
    converged.length === routers
      ? routers * computers * lambdas
      : [...installed.values()].reduce((sum, n) => sum + n, 0);
  const mark = () => ({
    at: performance.now(),
    routes: routes(),
    controllerCpu: cpuSeconds([controller.pid]),
    routersCpu: cpuSeconds(fleetPids),
  });
  const phase = (from: ReturnType<typeof mark>, to: ReturnType<typeof mark>): Phase => ({
    seconds: (to.at - from.at) / 1000,
    routes: to.routes - from.routes,
    controllerCpuSeconds: to.controllerCpu - from.controllerCpu,
    routersCpuSeconds: to.routersCpu - from.routersCpu,
  });

  const transport = createTransport(controllerEndpoint);
  try {
    await waitForRouters(transport, routers);
    process.stderr.write(
      `[bench] converge: ${computers} computers × ${lambdas} lambdas to ${routers} routers\n`,
    );
    const start = mark();
    t0 = start.at;
    await announceComputers(transport, computers, lambdas);
    const announced = mark();

    const deadline = t0 + options.timeoutSeconds * 1000;
    let stalled: string | undefined;
    while (converged.length < routers && stalled === undefined) {
      await sleep(20);
      const now = performance.now();
      if (now >= deadline) stalled = `not converged within ${options.timeoutSeconds} s`;
      else if (now - lastProgressAt > stallMs)
        stalled = `no route installed for ${stallMs / 1000} s`;
    }
    const end = mark();
    return {
      routers,
      computers,
      lambdas,
      fleets,
      announcing: phase(start, announced),
      installing: phase(announced, end),
      convergedSeconds: converged.slice().sort((a, b) => a - b),
      controllerRssRestMb: controllerRssRest / mb,
      controllerRssAfterMb: processRssBytes(controller.pid) / mb,
      stalled,
    };
  } finally {
    transport.close();
  }
}

function cpuSeconds(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    const cpu = processCpuTimes(pid);
    sum += cpu.user + cpu.system;
  }
  return sum;
}

/** Routers announce themselves when they start; the read API says when all are registered. */
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

/**
 * Computers `127.0.0.1:20000`… (never called: no lambda runs here), each with one container per
 * lambda, `lambda0`…; `announceConcurrency` calls in flight. Any error fails the part.
 */
async function announceComputers(
  transport: ReturnType<typeof createTransport>,
  computers: number,
  lambdas: number,
): Promise<void> {
  const client = createClient(EdgeController, transport);
  const containers = Array.from({ length: lambdas }, (_, j) => ({
    name: `container${j}`,
    processor: "cpu",
    lambda: `lambda${j}`,
    numWorkers: 1,
  }));
  let next = 0;
  const worker = async () => {
    while (next < computers) {
      const i = next++;
      await client.announceComputer({ edgeServerEndpoint: `127.0.0.1:${20_000 + i}`, containers });
    }
  };
  await Promise.all(Array.from({ length: announceConcurrency }, worker));
}
