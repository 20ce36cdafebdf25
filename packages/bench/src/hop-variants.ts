import type { ChildProcesses, StartedChild } from "./child-processes.js";
import { echoServerScript } from "./echo-server-script.js";
import { type Measurement, measureHopOrFail } from "./hop-measurement.js";
import { processRssBytes } from "./proc-stat.js";

/** One process under test in front of the echo server; no script = the client → echo baseline. */
export interface HopVariant {
  readonly name: string;
  readonly script?: URL;
  /** Its arguments, given the echo server's end-point (default: just that end-point). */
  readonly args?: (upstream: string) => readonly string[];
  /** Runs once the process listens, before any call (e.g. install a route). */
  readonly prepare?: (endpoint: string, upstream: string) => Promise<void>;
}

export interface HopVariantsOptions {
  readonly children: ChildProcesses;
  readonly variants: readonly HopVariant[];
  readonly concurrencies: readonly number[];
  readonly requestFrame: Buffer;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  /** CPU of the echo server (the load client's), and of the process under test. */
  readonly clientCpu: number | undefined;
  readonly hopCpu: number | undefined;
}

/**
 * Starts the echo server, then each variant in turn, measures it at every concurrency and stops
 * it: a variant that cannot start or prepare is recorded as failed at every concurrency.
 */
export async function measureHopVariants(options: HopVariantsOptions): Promise<Measurement[]> {
  const { children, concurrencies } = options;
  const measurements: Measurement[] = [];
  const echo = await children.start("echo-server", echoServerScript, [], {
    cpu: options.clientCpu,
  });
  const upstream = `127.0.0.1:${echo.port}`;
  const run = (variant: string, concurrency: number, port: number) => ({
    variant,
    concurrency,
    target: `127.0.0.1:${port}`,
    requestFrame: options.requestFrame,
    warmupSeconds: options.warmupSeconds,
    measureSeconds: options.measureSeconds,
    echoPid: echo.pid,
  });
  const failAll = (variant: string, error: unknown) => {
    for (const c of concurrencies)
      measurements.push({ variant, concurrency: c, failure: String(error) });
  };
  try {
    for (const variant of options.variants) {
      if (variant.script === undefined) {
        for (const c of concurrencies) {
          measurements.push(await measureHopOrFail(run(variant.name, c, echo.port)));
        }
        continue;
      }
      let hop: StartedChild;
      try {
        const args = variant.args?.(upstream) ?? [upstream];
        hop = await children.start(variant.name, variant.script, args, { cpu: options.hopCpu });
      } catch (error) {
        failAll(variant.name, error);
        continue;
      }
      try {
        const rssRestBytes = processRssBytes(hop.pid);
        await variant.prepare?.(`127.0.0.1:${hop.port}`, upstream);
        for (const c of concurrencies) {
          measurements.push(
            await measureHopOrFail({
              ...run(variant.name, c, hop.port),
              hop: { pid: hop.pid, rssRestBytes },
            }),
          );
        }
      } catch (error) {
        failAll(variant.name, error);
      } finally {
        await children.stop(hop.pid);
      }
    }
  } finally {
    await children.stop(echo.pid);
  }
  return measurements;
}
