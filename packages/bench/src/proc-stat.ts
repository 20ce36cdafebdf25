import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK`: the unit of the CPU times in /proc/PID/stat (100 on nearly every Linux). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    let reported = Number.NaN;
    try {
      reported = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    } catch (error) {
      // Linux has used 100 on every common architecture for decades; say so, then use it.
      process.stderr.write(`[bench] getconf CLK_TCK failed (${error}); assuming 100\n`);
    }
    ticksPerSecond = Number.isFinite(reported) && reported > 0 ? reported : 100;
  }
  return ticksPerSecond;
}

export interface CpuTimes {
  /** Seconds in user mode. */
  readonly user: number;
  /** Seconds in the kernel: syscalls, and on a VM much of the cost of waking an idle CPU. */
  readonly system: number;
}

/**
 * CPU time a process has used so far, all of its threads included (GC helpers, libuv pool, tsx's
 * loader thread). Resolution is one clock tick (10 ms): fine over a window of seconds and
 * thousands of calls.
 */
export function processCpuTimes(pid: number): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Field 2, the command name, may contain spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of proc(5); fields[0] is field 3.
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isFinite(user) || !Number.isFinite(system)) {
    throw new Error(`cannot parse /proc/${pid}/stat`);
  }
  const hz = clockTicksPerSecond();
  return { user: user / hz, system: system / hz };
}

/** Resident set size of a process, in bytes (VmRSS of /proc/PID/status). */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
