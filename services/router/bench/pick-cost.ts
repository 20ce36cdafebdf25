import { formatTextTable, grouped } from "@soe/bench";
import { EdgeRouterConf_Action } from "@soe/proto";
import { Conf } from "@soe/runtime";
import { makeLocalOptimizer } from "../src/optimizers/optimizer-factory.js";
import { makeForwardingTable } from "../src/policies/policy-factory.js";
import { RouterTables } from "../src/router-tables.js";
import { mulberry32 } from "@soe/reference";

/** Part (b): what one pick costs the router, per policy and number of destinations. */
export interface PickCostOptions {
  /** Measured time per cell; as long again is spent warming up (V8 optimizes the loop). */
  readonly seconds: number;
}

interface Policy {
  readonly tableConf: string;
  /**
   * The optimizer that feeds the policy measured latencies, for the policies whose choice
   * depends on them: `async` (a weight update on every success) for least-impedance and
   * round-robin, `asyncPF` for proportional-fairness, its intended pairing (reference §3.5).
   */
  readonly feedback?: string;
}

const policies: readonly Policy[] = [
  // The default: learns from every response (the optimizer only feeds GetTable's weights).
  { tableConf: "type=least-latency-rif", feedback: "type=trivial,period=10,stat=mean" },
  { tableConf: "type=random" },
  { tableConf: "type=least-impedance", feedback: "type=async,alpha=0.5" },
  { tableConf: "type=round-robin", feedback: "type=async,alpha=0.5" },
  { tableConf: "type=proportional-fairness,alpha=1,beta=1", feedback: "type=asyncPF" },
];
export const destinationCounts = [2, 100, 1_000] as const;
/** Measurements in a run: every policy bare, and fed by its optimizer when it has one. */
export const pickCells =
  policies.reduce((n, p) => n + (p.feedback === undefined ? 1 : 2), 0) * destinationCounts.length;

export interface PickCost {
  readonly tableConf: string;
  /** Optimizer fed with every pick's synthetic latency; none: picks only. */
  readonly feedback: string | undefined;
  readonly destinations: number;
  readonly nsPerPick: number;
  readonly picks: number;
}

const lambda = "lambda0";

export function measurePickCosts(options: PickCostOptions): PickCost[] {
  const costs: PickCost[] = [];
  for (const policy of policies) {
    // Every policy bare; those with an optimizer to feed, with it too.
    const modes = policy.feedback === undefined ? [undefined] : [undefined, policy.feedback];
    for (const feedback of modes) {
      for (const destinations of destinationCounts) {
        process.stderr.write(
          `[bench] pick ${policy.tableConf} ${feedback ?? "no feedback"} n=${destinations}\n`,
        );
        costs.push(measureCell(policy.tableConf, feedback, destinations, options.seconds));
      }
    }
  }
  return costs;
}

/**
 * Picks through `RouterTables.select`, as the forwarder does, and with feedback also
 * `RouterTables.succeeded` with the pick's latency: each destination has its own latency,
 * 1-1.6 ms, ±10 % per call, so the policies have real differences to act on.
 */
function measureCell(
  tableConf: string,
  feedback: string | undefined,
  destinations: number,
  seconds: number,
): PickCost {
  const clock = () => performance.now();
  const rng = mulberry32(destinations);
  const table = Conf.parse(tableConf).conf;
  const optimizer = Conf.parse(feedback ?? "type=none").conf;
  const tables = new RouterTables({
    makeTable: () => makeForwardingTable(table, { clock, rng }),
    makeOptimizer: (t) => makeLocalOptimizer(optimizer, t, clock),
  });
  const latency = new Map<string, number>();
  for (let i = 0; i < destinations; i++) {
    const destination = `10.0.${i >> 8}.${i & 255}:6473`;
    latency.set(destination, 0.001 * (1 + (i % 7) / 10));
    const msg = tables.configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda,
      destination,
      weight: 1,
      final: true,
    });
    if (msg !== "OK") throw new Error(`Configure ${destination}: ${msg}`);
  }
  const jitter = mulberry32(7);
  let picked = 0;
  const pick =
    feedback === undefined
      ? () => {
          picked += tables.select(lambda, false).length;
        }
      : () => {
          const destination = tables.select(lambda, false);
          const seconds = (latency.get(destination) as number) * (0.9 + 0.2 * jitter());
          tables.succeeded(lambda, destination, false, seconds);
          picked += destination.length;
        };

  const run = (ms: number): { picks: number; ns: number } => {
    let batch = 16;
    let picks = 0;
    let ns = 0n;
    while (Number(ns) < ms * 1e6) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) pick();
      ns += process.hrtime.bigint() - started;
      picks += batch;
      // Batches of about a millisecond: the clock reads cost nothing next to them.
      if (batch < 1 << 16 && Number(ns) / picks < 1e6 / batch) batch *= 2;
    }
    return { picks, ns: Number(ns) };
  };
  run(seconds * 1000);
  const { picks, ns } = run(seconds * 1000);
  if (picked === 0) throw new Error("no destination picked");
  return { tableConf, feedback, destinations, nsPerPick: ns / picks, picks };
}

export function formatPickCosts(costs: readonly PickCost[]): string {
  const rows: string[][] = [];
  for (const cost of costs) {
    if (cost.destinations !== destinationCounts[0]) continue;
    const cells = destinationCounts.map((n) => {
      const cell = costs.find(
        (c) =>
          c.tableConf === cost.tableConf && c.feedback === cost.feedback && c.destinations === n,
      );
      return cell === undefined ? "-" : grouped(cell.nsPerPick);
    });
    rows.push([cost.tableConf, cost.feedback ?? "-", ...cells]);
  }
  return [
    formatTextTable(
      "ns per pick, one lambda with 2, 100 and 1,000 destinations",
      ["table conf", "feedback", ...destinationCounts.map((n) => `${grouped(n)} dests`)],
      rows,
    ),
    "",
    "ns per pick: RouterTables.select in a tight loop, in this process; with feedback, each pick is",
    "followed by RouterTables.succeeded with a synthetic latency (1-1.6 ms by destination, ±10 %),",
    "which the named optimizer turns into a weight update (the policy's bookkeeping included).",
  ].join("\n");
}
