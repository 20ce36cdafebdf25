import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { processCpuTimes } from "@soe/bench";

/** CPU seconds used over the load, by role, and how busy the whole machine was meanwhile. */
export interface CpuUse {
  readonly seconds: number;
  /** CPU seconds of the processes of each role ("router", "computer"), and of this client. */
  readonly byRole: Readonly<Record<string, number>>;
  readonly client: number;
  /** Share of all the machine's cores busy over the window, whoever used them (0-1). */
  readonly machineBusy: number;
}

/**
 * Watches the CPU the bench's processes use while a load runs, and the machine's as a whole.
 * The simulated computers keep time with timers: when the cores are all busy (this bench's
 * processes, or other work on a shared machine), answers come late and every latency grows, so a
 * reader must know how busy the machine was before trusting a figure.
 */
export class CpuWatch {
  readonly #processes: { pid: number; role: string }[];
  #start:
    | { at: number; pids: Map<number, number>; client: number; machine: MachineTicks }
    | undefined;

  constructor(processes: readonly { pid: number; role: string }[]) {
    this.#processes = [...processes];
  }

  start(): void {
    this.#start = {
      at: performance.now(),
      pids: new Map(this.#processes.map(({ pid }) => [pid, cpuSeconds(pid)])),
      client: clientSeconds(),
      machine: machineTicks(),
    };
  }

  stop(): CpuUse {
    const start = this.#start;
    if (start === undefined) throw new Error("CpuWatch.stop() before start()");
    const byRole: Record<string, number> = {};
    for (const { pid, role } of this.#processes) {
      const used = cpuSeconds(pid) - (start.pids.get(pid) ?? Number.NaN);
      byRole[role] = (byRole[role] ?? 0) + (Number.isFinite(used) ? used : 0);
    }
    const machine = machineTicks();
    const total = machine.total - start.machine.total;
    return {
      seconds: (performance.now() - start.at) / 1000,
      byRole,
      client: clientSeconds() - start.client,
      machineBusy: total > 0 ? 1 - (machine.idle - start.machine.idle) / total : Number.NaN,
    };
  }
}

function cpuSeconds(pid: number): number {
  try {
    const { user, system } = processCpuTimes(pid);
    return user + system;
  } catch {
    return Number.NaN; // gone
  }
}

function clientSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

interface MachineTicks {
  readonly total: number;
  readonly idle: number;
}

/** The first line of /proc/stat: ticks of every core since boot, and those idle or waiting on I/O. */
function machineTicks(): MachineTicks {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((s, t) => s + t, 0);
    return { total, idle: (ticks[3] ?? 0) + (ticks[4] ?? 0) };
  } catch {
    return { total: Number.NaN, idle: Number.NaN };
  }
}

/** "routers 3.1 s (412 µs/call), computers 1.2 s, client 2.0 s: 21 % of 2 cores; machine 64 % busy". */
export function formatCpuUse(use: CpuUse, calls: number): string {
  const parts = Object.entries(use.byRole).map(
    ([role, s]) => `${role}s ${s.toFixed(1)} s (${((s / calls) * 1e6).toFixed(0)} µs/call)`,
  );
  const ours = Object.values(use.byRole).reduce((a, b) => a + b, 0) + use.client;
  const cores = availableParallelism();
  return (
    `CPU over the ${use.seconds.toFixed(0)} s of load: ${parts.join(", ")}, the load client ${use.client.toFixed(1)} s: ` +
    `${((ours / use.seconds / cores) * 100).toFixed(0)} % of ${cores} cores; the machine was ` +
    `${(use.machineBusy * 100).toFixed(0)} % busy in all` +
    (use.machineBusy > 0.85 ? " (SATURATED: timers run late, latencies are inflated)" : "")
  );
}
