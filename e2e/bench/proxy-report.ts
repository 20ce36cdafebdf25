import { fixed, formatTextTable, signed, times } from "@soe/bench";
import type { ProxyMeasured, ProxyMeasurement } from "./proxy-measurement.js";

/** The variants of the proxy bench, in the order measured and shown. */
export const PROXY_VARIANTS = {
  direct: "direct (mock)",
  full: "full (proxy→router→wsk)",
  chain: "h2 forwarder chain",
} as const;

/** The issue's targets: full/chain throughput at least, added latency at most. */
export const TARGETS = {
  throughput: { target: 0.5, moonshot: 0.8 },
  addedLatency: { target: 2, moonshot: 1.2 },
} as const;

function measured(m: ProxyMeasurement | undefined): ProxyMeasured | undefined {
  return m === undefined || m.failure !== undefined ? undefined : m;
}

/** The ratios the targets are about, at one concurrency (NaN where a variant failed). */
export interface ProxyRatios {
  readonly concurrency: number;
  /** full calls/s ÷ chain calls/s. */
  readonly throughput: number;
  /** (full − direct) ÷ (chain − direct), p50 and p99. */
  readonly addedP50: number;
  readonly addedP99: number;
}

export function proxyRatios(rows: readonly ProxyMeasurement[], concurrency: number): ProxyRatios {
  const at = (variant: string) =>
    measured(rows.find((m) => m.variant === variant && m.concurrency === concurrency));
  const direct = at(PROXY_VARIANTS.direct);
  const full = at(PROXY_VARIANTS.full);
  const chain = at(PROXY_VARIANTS.chain);
  const added = (m: ProxyMeasured | undefined, q: "p50Ms" | "p99Ms") =>
    m === undefined || direct === undefined ? Number.NaN : m[q] - direct[q];
  return {
    concurrency,
    throughput:
      full === undefined || chain === undefined
        ? Number.NaN
        : full.callsPerSecond / chain.callsPerSecond,
    addedP50: ratioOfAdded(added(full, "p50Ms"), added(chain, "p50Ms")),
    addedP99: ratioOfAdded(added(full, "p99Ms"), added(chain, "p99Ms")),
  };
}

/**
 * Added latency over added latency; NaN when the chain added nothing measurable (noise can
 * make a path look faster than the direct call, and a ratio to that means nothing).
 */
function ratioOfAdded(full: number, chain: number): number {
  return chain > 0 ? full / chain : Number.NaN;
}

/** One table per concurrency; latency added against `direct`, ratios against the chain. */
export function formatProxyTables(rows: readonly ProxyMeasurement[]): string {
  const concurrencies = [...new Set(rows.map((m) => m.concurrency))].sort((a, b) => a - b);
  return concurrencies
    .map((c) =>
      formatProxyTable(
        c,
        rows.filter((m) => m.concurrency === c),
      ),
    )
    .join("\n\n");
}

function formatProxyTable(concurrency: number, rows: readonly ProxyMeasurement[]): string {
  const direct = measured(rows.find((m) => m.variant === PROXY_VARIANTS.direct));
  const chain = measured(rows.find((m) => m.variant === PROXY_VARIANTS.chain));
  const columns = [
    "variant",
    "calls/s",
    "p50 ms",
    "p99 ms",
    "+p50 ms",
    "+p99 ms",
    "hops µs/call",
    "cli+mock CPU %",
    "calls/s vs chain",
    "+p50 vs chain",
    "+p99 vs chain",
    "errors",
  ];
  const cells = rows.map((m): string[] => {
    if (m.failure !== undefined) return [m.variant, `FAILED: ${m.failure}`];
    const isHop = m.hopsCpuUsPerCall !== undefined;
    const added = (q: "p50Ms" | "p99Ms") => (direct === undefined ? Number.NaN : m[q] - direct[q]);
    const addedChain = (q: "p50Ms" | "p99Ms") =>
      direct === undefined || chain === undefined ? Number.NaN : chain[q] - direct[q];
    return [
      m.variant,
      fixed(m.callsPerSecond, 0),
      fixed(m.p50Ms, 3),
      fixed(m.p99Ms, 3),
      isHop ? signed(added("p50Ms")) : "-",
      isHop ? signed(added("p99Ms")) : "-",
      isHop ? fixed(m.hopsCpuUsPerCall ?? Number.NaN, 0) : "-",
      fixed(m.clientCpuPercent, 0),
      isHop && chain !== undefined ? times(m.callsPerSecond / chain.callsPerSecond) : "-",
      isHop ? times(ratioOfAdded(added("p50Ms"), addedChain("p50Ms"))) : "-",
      isHop ? times(ratioOfAdded(added("p99Ms"), addedChain("p99Ms"))) : "-",
      String(m.errors),
    ];
  });
  const table = formatTextTable(`c=${concurrency} (calls in flight)`, columns, cells);
  const perHop = rows
    .map((m) =>
      m.failure === undefined && m.hopsCpuUsPerCall !== undefined
        ? `  ${m.variant}: ${Object.entries(m.hopCpuUsPerCall)
            .map(([name, us]) => `${name} ${fixed(us, 0)}`)
            .join(", ")} µs/call`
        : undefined,
    )
    .filter((line) => line !== undefined);
  return perHop.length === 0 ? table : `${table}\nCPU per call of each hop:\n${perHop.join("\n")}`;
}

/** One line per concurrency: the ratios against the issue's targets. */
export function formatSummary(ratios: readonly ProxyRatios[]): string {
  const { throughput, addedLatency } = TARGETS;
  const atLeast = (value: number, goal: number) =>
    Number.isFinite(value) ? (value >= goal ? "met" : "missed") : "n/a";
  const atMost = (value: number, goal: number) =>
    Number.isFinite(value) ? (value <= goal ? "met" : "missed") : "n/a";
  return ratios
    .map(
      (r) =>
        `c=${r.concurrency}: throughput ${times(r.throughput)} of the chain ` +
        `(target ≥ ${throughput.target}×: ${atLeast(r.throughput, throughput.target)}, ` +
        `moonshot ≥ ${throughput.moonshot}×: ${atLeast(r.throughput, throughput.moonshot)}); ` +
        `added p50 ${times(r.addedP50)}, p99 ${times(r.addedP99)} of the chain's ` +
        `(target ≤ ${addedLatency.target}×: ${atMost(r.addedP50, addedLatency.target)}/` +
        `${atMost(r.addedP99, addedLatency.target)}, moonshot ≤ ${addedLatency.moonshot}×: ` +
        `${atMost(r.addedP50, addedLatency.moonshot)}/${atMost(r.addedP99, addedLatency.moonshot)})`,
    )
    .join("\n");
}
