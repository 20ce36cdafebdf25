import { createClient } from "@connectrpc/connect";
import {
  benchLambda,
  benchRequest,
  type ChildProcesses,
  echoServerScript,
  fixed,
  formatHopTables,
  grpcFrame,
  type Measurement,
  measured,
  measureHopOrFail,
  processRssBytes,
  signed,
  type StartedChild,
  times,
} from "@soe/bench";
import { EdgeRouter, EdgeRouterConf_Action } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { DEFAULT_OPTIMIZER_CONF } from "../src/router-server.js";

/** Part (a): load client → router → null computer, against the same path without the router. */
export interface DataPathOptions {
  readonly children: ChildProcesses;
  /** CPU of the load client and the echo server, and of the process under test. */
  readonly clientCpu: number | undefined;
  readonly hopCpu: number | undefined;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
}

interface Variant {
  readonly name: string;
  /** Entry script of the process under test; none for the client → echo server baseline. */
  readonly script?: URL;
  /** Its arguments; the echo server's end-point is appended for the pass-through hop. */
  readonly args?: readonly string[];
  /** A router: it gets the bench lambda's route (→ echo server) with Configure before any call. */
  readonly router?: boolean;
}

/** What the router's CPU per call is compared with: the same hop without the routing. */
export const yardstick = "pass-through";

const routerScript = new URL("router-child.ts", import.meta.url);
const variants: readonly Variant[] = [
  { name: "direct" },
  { name: yardstick, script: new URL("pass-through-hop.ts", import.meta.url) },
  { name: "router/none", script: routerScript, args: ["type=random", "type=none"], router: true },
  {
    name: "router/trivial",
    script: routerScript,
    args: ["type=random", DEFAULT_OPTIMIZER_CONF],
    router: true,
  },
];
// c=32 first, as in bench:hop: its warm-up lets V8 optimize the hop before c=1 is measured.
const concurrencies = [32, 1] as const;

export const dataPathVariants = variants.length * concurrencies.length;

export async function measureDataPath(options: DataPathOptions): Promise<Measurement[]> {
  const { children } = options;
  const requestFrame = grpcFrame(benchRequest());
  const measurements: Measurement[] = [];
  const echo = await children.start("echo-server", echoServerScript, [], {
    cpu: options.clientCpu,
  });
  const upstream = `127.0.0.1:${echo.port}`;
  const run = (variant: string, concurrency: number, port: number) => ({
    variant,
    concurrency,
    target: `127.0.0.1:${port}`,
    requestFrame,
    warmupSeconds: options.warmupSeconds,
    measureSeconds: options.measureSeconds,
    echoPid: echo.pid,
  });
  const failAll = (variant: string, error: unknown) => {
    for (const c of concurrencies) {
      measurements.push({ variant, concurrency: c, failure: String(error) });
    }
  };
  try {
    for (const variant of variants) {
      if (variant.script === undefined) {
        for (const c of concurrencies) {
          measurements.push(await measureHopOrFail(run(variant.name, c, echo.port)));
        }
        continue;
      }
      let hop: StartedChild;
      try {
        const args = variant.router ? (variant.args ?? []) : [upstream];
        hop = await children.start(variant.name, variant.script, args, { cpu: options.hopCpu });
      } catch (error) {
        failAll(variant.name, error);
        continue;
      }
      try {
        const rssRestBytes = processRssBytes(hop.pid);
        if (variant.router) await installRoute(`127.0.0.1:${hop.port}`, upstream);
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

/** The bench lambda → the echo server, as the controller's flat installer writes it. */
async function installRoute(router: string, computer: string): Promise<void> {
  const transport = createTransport(router);
  try {
    const reply = await createClient(EdgeRouter, transport).configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda: benchLambda,
      destination: computer,
      weight: 1,
      final: true,
    });
    if (reply.msg !== "OK") throw new Error(`Configure answered "${reply.msg}"`);
  } finally {
    transport.close();
  }
}

export function formatDataPath(measurements: readonly Measurement[]): string {
  return [
    formatHopTables(measurements, yardstick),
    "",
    "+p50/+p99: added to `direct` (load client → echo server, no hop). hop µs/call: utime+stime of",
    "the router (or pass-through) process over the window / calls; hop CPU %: of one core, sys %:",
    "the kernel's part. RSS rest: after start, before any call; after: at the end of this c's",
    "window (c=32 runs first). pass-through: @soe/runtime forwarding to one fixed upstream, no table.",
    "router/none: type=random, optimizer type=none; router/trivial: type=random, the default",
    `optimizer (${DEFAULT_OPTIMIZER_CONF}).`,
    "",
    ...summaryLines(measurements),
  ].join("\n");
}

/** Each router variant against a direct call and against the pass-through hop. */
function summaryLines(measurements: readonly Measurement[]): string[] {
  const at = (variant: string, c: number) =>
    measured(measurements.find((m) => m.variant === variant && m.concurrency === c));
  return variants
    .filter((v) => v.router)
    .map(({ name }) => {
      const parts = concurrencies
        .slice()
        .sort((a, b) => a - b)
        .map((c) => {
          const router = at(name, c);
          const direct = at("direct", c);
          const base = at(yardstick, c);
          if (router?.hop === undefined || direct === undefined) return `c=${c}: n/a`;
          const cpuRatio =
            base?.hop === undefined
              ? "n/a"
              : times(router.hop.cpuUsPerCall / base.hop.cpuUsPerCall);
          return (
            `c=${c}: ${times(router.callsPerSecond / direct.callsPerSecond)} direct calls/s, ` +
            `p50 ${signed(router.p50Ms - direct.p50Ms)} ms, p99 ${signed(router.p99Ms - direct.p99Ms)} ms, ` +
            `${fixed(router.hop.cpuUsPerCall, 0)} µs/call (${cpuRatio} ${yardstick})`
          );
        });
      return `${name}: ${parts.join("; ")}`;
    });
}
