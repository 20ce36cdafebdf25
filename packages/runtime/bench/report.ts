/** What one variant did at one concurrency, or why it could not be measured. */
export type Measurement = MeasuredRun | FailedRun;

export interface FailedRun {
  readonly variant: string;
  readonly concurrency: number;
  readonly failure: string;
}

export interface MeasuredRun {
  readonly variant: string;
  readonly concurrency: number;
  readonly failure?: undefined;
  readonly calls: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
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

/** The hop DESIGN §8 states the runtime's targets against. */
const yardstick = "grpc-js";

const columns = [
  "variant",
  "calls/s",
  "p50 ms",
  "p99 ms",
  "+p50 ms",
  "+p99 ms",
  "hop µs/call",
  "hop CPU %",
  "sys %",
  "cli+echo CPU %",
  "RSS rest MB",
  "RSS after MB",
  "CPU/call vs grpc-js",
  "calls/s vs grpc-js",
  "errors",
] as const;

/** One table per concurrency; added latency is against `direct`, ratios against grpc-js. */
export function formatTables(measurements: readonly Measurement[]): string {
  const concurrencies = [...new Set(measurements.map((m) => m.concurrency))].sort((a, b) => a - b);
  return concurrencies
    .map((c) =>
      formatTable(
        c,
        measurements.filter((m) => m.concurrency === c),
      ),
    )
    .join("\n\n");
}

function formatTable(concurrency: number, rows: readonly Measurement[]): string {
  const direct = measured(rows.find((m) => m.variant === "direct"));
  const base = measured(rows.find((m) => m.variant === yardstick));
  const cells = rows.map((m): string[] => {
    if (m.failure !== undefined) return [m.variant, `FAILED: ${m.failure}`];
    const hop = m.hop;
    return [
      m.variant,
      fixed(m.callsPerSecond, 0),
      fixed(m.p50Ms, 3),
      fixed(m.p99Ms, 3),
      direct === undefined || hop === undefined ? "-" : signed(m.p50Ms - direct.p50Ms),
      direct === undefined || hop === undefined ? "-" : signed(m.p99Ms - direct.p99Ms),
      hop === undefined ? "-" : fixed(hop.cpuUsPerCall, 1),
      hop === undefined ? "-" : fixed(hop.cpuPercent, 0),
      hop === undefined ? "-" : fixed(hop.systemShare * 100, 0),
      fixed(m.clientCpuPercent, 0),
      hop === undefined ? "-" : fixed(hop.rssRestMb, 1),
      hop === undefined ? "-" : fixed(hop.rssAfterMb, 1),
      hop === undefined || base?.hop === undefined
        ? "-"
        : `${fixed(hop.cpuUsPerCall / base.hop.cpuUsPerCall, 2)}×`,
      hop === undefined || base === undefined
        ? "-"
        : `${fixed(m.callsPerSecond / base.callsPerSecond, 2)}×`,
      String(m.errors),
    ];
  });
  const widths = columns.map((title, i) =>
    Math.max(
      title.length,
      ...cells.filter((row) => row.length > 2).map((row) => row[i]?.length ?? 0),
    ),
  );
  const line = (row: readonly string[]) =>
    row.length === 2
      ? `${(row[0] as string).padEnd(widths[0] as number)}  ${row[1]}`
      : row
          .map((cell, i) =>
            i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
          )
          .join("  ");
  return [
    `c=${concurrency} (calls in flight)`,
    line(columns),
    line(columns.map((_, i) => "-".repeat(widths[i] as number))),
    ...cells.map(line),
  ].join("\n");
}

/** The runtime hop against its targets (DESIGN §8): CPU per call at c=32, added p50 at c=1. */
export function summaryLine(measurements: readonly Measurement[]): string {
  const at = (variant: string, c: number) =>
    measured(measurements.find((m) => m.variant === variant && m.concurrency === c));
  const cpuRatio = (c: number) => {
    const runtime = at("runtime", c)?.hop;
    const base = at(yardstick, c)?.hop;
    return runtime === undefined || base === undefined
      ? "n/a"
      : `${fixed(runtime.cpuUsPerCall / base.cpuUsPerCall, 2)}×`;
  };
  const runtime1 = at("runtime", 1);
  const direct1 = at("direct", 1);
  const added =
    runtime1 === undefined || direct1 === undefined
      ? "n/a"
      : `${fixed(runtime1.p50Ms - direct1.p50Ms, 3)} ms`;
  return (
    `runtime CPU/call = ${cpuRatio(32)} grpc-js at c=32 (c=1: ${cpuRatio(1)}) ` +
    "(target ≤ 1.0, moonshot ≤ 0.7); " +
    `added p50 at c=1 = ${added} (target ≤ 0.25)`
  );
}

function measured(m: Measurement | undefined): MeasuredRun | undefined {
  return m === undefined || m.failure !== undefined ? undefined : m;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function signed(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(3)}` : "n/a";
}
