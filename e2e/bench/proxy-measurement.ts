import { type FailedRun, loadFigures, type MeasuredLoad, processCpuTimes } from "@soe/bench";
import { type HttpCall, HttpLoadClient } from "./http-load-client.js";

/** A process of the path under test, whose CPU over the window is charged to the path. */
export interface PathProcess {
  readonly name: string;
  readonly pid: number;
}

export interface ProxyVariantRun {
  readonly variant: string;
  readonly concurrency: number;
  readonly port: number;
  readonly call: HttpCall;
  /** The hops of the path (none for `direct`); the OpenWhisk mock is not one of them. */
  readonly hops: readonly PathProcess[];
  /** The OpenWhisk mock, at the end of every path: its CPU is counted with the client's. */
  readonly openwhiskPid: number;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
}

export type ProxyMeasurement = ProxyMeasured | ProxyFailed;

export type ProxyFailed = FailedRun;

export interface ProxyMeasured extends MeasuredLoad {
  /** CPU of every hop together per call, µs (undefined for `direct`). */
  readonly hopsCpuUsPerCall: number | undefined;
  /** Each hop's CPU per call, µs, by name. */
  readonly hopCpuUsPerCall: Readonly<Record<string, number>>;
  /** CPU of the load client and the OpenWhisk mock over the window, in % of one core. */
  readonly clientCpuPercent: number;
}

/** One closed-loop run of one variant at one concurrency; a broken path costs its row only. */
export async function measureProxyVariant(run: ProxyVariantRun): Promise<ProxyMeasurement> {
  const { variant, concurrency } = run;
  process.stderr.write(`[bench] ${variant} c=${concurrency}\n`);
  const client = new HttpLoadClient("127.0.0.1", run.port, run.call, concurrency);
  try {
    // One call first: a broken path is reported once, not as a window full of errors.
    const first = await client.once();
    if (first !== undefined) return { variant, concurrency, failure: `first call: ${first}` };
    const hopCpu = new Map(run.hops.map((h) => [h.name, 0]));
    let clientCpu = 0;
    const load = await client.closedLoop({
      warmupMs: run.warmupSeconds * 1000,
      measureMs: run.measureSeconds * 1000,
      onWindow: (edge) => {
        const sign = edge === "open" ? -1 : 1;
        for (const hop of run.hops) {
          const t = processCpuTimes(hop.pid);
          hopCpu.set(hop.name, (hopCpu.get(hop.name) ?? 0) + sign * (t.user + t.system));
        }
        const mock = processCpuTimes(run.openwhiskPid);
        const self = process.cpuUsage();
        clientCpu += sign * (mock.user + mock.system + (self.user + self.system) / 1e6);
      },
    });
    const perCall = (seconds: number) => (seconds / load.calls) * 1e6;
    const hopCpuUsPerCall = Object.fromEntries([...hopCpu].map(([n, s]) => [n, perCall(s)]));
    const total = [...hopCpu.values()].reduce((sum, s) => sum + s, 0);
    return {
      variant,
      concurrency,
      ...loadFigures(load),
      hopsCpuUsPerCall: run.hops.length === 0 ? undefined : perCall(total),
      hopCpuUsPerCall,
      clientCpuPercent: (clientCpu / load.windowSeconds) * 100,
    };
  } catch (error) {
    return { variant, concurrency, failure: String(error) };
  } finally {
    client.close();
  }
}
