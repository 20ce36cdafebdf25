import { processCpuTimes, processRssBytes } from "./proc-stat.js";
import { type FailedRun, loadFigures, type MeasuredLoad } from "./run-record.js";
import { UnaryLoadClient } from "./unary-load-client.js";

/** What one variant did at one concurrency, or why it could not be measured. */
export type Measurement = MeasuredRun | FailedRun;

export interface MeasuredRun extends MeasuredLoad {
  /**
   * CPU of the load client and the echo server over the window, in % of one core. Close to 100
   * when pinned means they, not the hop, set the pace.
   */
  readonly clientCpuPercent: number;
  /** Absent for `direct`, which has no hop. */
  readonly hop: HopUsage | undefined;
}

export interface HopUsage {
  readonly cpuUsPerCall: number;
  /** The hop's CPU over the window, in % of one core (100 = its core is saturated). */
  readonly cpuPercent: number;
  /** Part of that CPU spent in the kernel, 0-1. */
  readonly systemShare: number;
  readonly rssRestMb: number;
  readonly rssAfterMb: number;
}

export interface HopRun {
  readonly variant: string;
  readonly concurrency: number;
  /** `host:port` the load client calls: the hop, or the echo server for `direct`. */
  readonly target: string;
  readonly requestFrame: Buffer;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  /** The echo server, which shares the load client's CPU: its CPU counts with the client's. */
  readonly echoPid: number;
  /** The process under test and its RSS at rest (after start, before any call); none for `direct`. */
  readonly hop?: { readonly pid: number; readonly rssRestBytes: number } | undefined;
}

const mb = 1024 * 1024;

/** A variant that breaks (a hop that dies, a refused connection) costs its row, not the run. */
export async function measureHopOrFail(run: HopRun): Promise<Measurement> {
  try {
    return await measureHop(run);
  } catch (error) {
    return { variant: run.variant, concurrency: run.concurrency, failure: String(error) };
  }
}

/**
 * One closed-loop run through a hop (or straight to the echo server): throughput, latency, and
 * the CPU the hop, the echo server and this process used over the measured window.
 */
export async function measureHop(run: HopRun): Promise<Measurement> {
  const { variant, concurrency, echoPid } = run;
  process.stderr.write(`[bench] ${variant} c=${concurrency}\n`);
  const client = await UnaryLoadClient.connect(run.target, run.requestFrame);
  try {
    // One call first: a broken path is reported once, not as a window full of errors.
    const firstCall = await client.once();
    if (firstCall !== undefined) {
      return { variant, concurrency, failure: `first call failed: ${firstCall}` };
    }
    const hopPid = run.hop?.pid;
    const cpu = { hopUser: 0, hopSystem: 0, echo: 0, self: 0 };
    const load = await client.closedLoop({
      concurrency,
      warmupMs: run.warmupSeconds * 1000,
      measureMs: run.measureSeconds * 1000,
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
      ...loadFigures(load),
      clientCpuPercent: ((cpu.echo + cpu.self) / window) * 100,
      hop:
        run.hop === undefined
          ? undefined
          : {
              cpuUsPerCall: (hopCpu / load.calls) * 1e6,
              cpuPercent: (hopCpu / window) * 100,
              systemShare: hopCpu > 0 ? cpu.hopSystem / hopCpu : Number.NaN,
              rssRestMb: run.hop.rssRestBytes / mb,
              rssAfterMb: processRssBytes(run.hop.pid) / mb,
            },
    };
  } finally {
    client.close();
  }
}

/** The run, if it was measured. */
export function measured(m: Measurement | undefined): MeasuredRun | undefined {
  return m === undefined || m.failure !== undefined ? undefined : m;
}
