import { createClient } from "@connectrpc/connect";
import {
  benchLambda,
  benchRequest,
  type ChildProcesses,
  fixed,
  formatHopTables,
  grpcFrame,
  type HopVariant,
  type Measurement,
  measured,
  measureHopVariants,
  signed,
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

/** What the router's CPU per call is compared with: the same hop without the routing. */
export const yardstick = "pass-through";

const routerScript = new URL("router-child.ts", import.meta.url);
/** A router gets the bench lambda's route (→ echo server) with Configure before any call. */
const router = (name: string, tableConf: string, optimizerConf: string): HopVariant => ({
  name,
  script: routerScript,
  args: () => [tableConf, optimizerConf],
  prepare: installRoute,
});
const variants: readonly HopVariant[] = [
  { name: "direct" },
  { name: yardstick, script: new URL("pass-through-hop.ts", import.meta.url) },
  router("router/none", "type=random", "type=none"),
  router("router/trivial", "type=random", DEFAULT_OPTIMIZER_CONF),
];
// c=32 first, as in bench:hop: its warm-up lets V8 optimize the hop before c=1 is measured.
const concurrencies = [32, 1] as const;

export const dataPathVariants = variants.length * concurrencies.length;

export function measureDataPath(options: DataPathOptions): Promise<Measurement[]> {
  return measureHopVariants({
    ...options,
    variants,
    concurrencies,
    requestFrame: grpcFrame(benchRequest()),
  });
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
    .filter((v) => v.prepare === installRoute)
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
