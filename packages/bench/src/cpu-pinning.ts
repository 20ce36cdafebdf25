import { execFileSync } from "node:child_process";

/**
 * Where the bench runs its processes (DESIGN §8): the hop alone on one CPU, the load client and
 * the echo server together on another, so the hop's CPU per call is not blurred by the others.
 */
export type CpuPlan =
  | { readonly pinned: true; readonly clientCpu: number; readonly hopCpu: number }
  | { readonly pinned: false; readonly reason: string };

/** Takes the first two CPUs this process may run on, or says why the bench must run unpinned. */
export function planCpus(): CpuPlan {
  let report: string;
  try {
    report = execFileSync("taskset", ["-cp", String(process.pid)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return { pinned: false, reason: missing ? "taskset not found" : `taskset failed: ${error}` };
  }
  // "pid 123's current affinity list: 0-3,6"
  const cpus = parseCpuList(report.slice(report.lastIndexOf(":") + 1).trim());
  const [clientCpu, hopCpu] = cpus;
  if (clientCpu === undefined || hopCpu === undefined) {
    return { pinned: false, reason: `only ${cpus.length} CPU available` };
  }
  return { pinned: true, clientCpu, hopCpu };
}

/** Pins every thread of a running process: threads started before the call keep their mask otherwise. */
export function pinProcess(pid: number, cpu: number): void {
  execFileSync("taskset", ["-a", "-cp", String(cpu), String(pid)], { stdio: "ignore" });
}

function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.split(",")) {
    const [first, last = first] = part.split("-").map(Number);
    if (first === undefined || last === undefined || Number.isNaN(first) || Number.isNaN(last)) {
      continue;
    }
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}
