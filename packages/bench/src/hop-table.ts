import { type Measurement, measured } from "./hop-measurement.js";
import { fixed, signed, times } from "./number-format.js";
import { formatTextTable } from "./text-table.js";

/**
 * One table per concurrency, rows in the order measured: added latency is against the variant
 * named `direct` (no hop), ratios against `yardstick` (e.g. grpc-js for the runtime's hop).
 */
export function formatHopTables(measurements: readonly Measurement[], yardstick: string): string {
  const concurrencies = [...new Set(measurements.map((m) => m.concurrency))].sort((a, b) => a - b);
  return concurrencies
    .map((c) =>
      formatHopTable(
        c,
        measurements.filter((m) => m.concurrency === c),
        yardstick,
      ),
    )
    .join("\n\n");
}

function formatHopTable(
  concurrency: number,
  rows: readonly Measurement[],
  yardstick: string,
): string {
  const direct = measured(rows.find((m) => m.variant === "direct"));
  const base = measured(rows.find((m) => m.variant === yardstick));
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
    `CPU/call vs ${yardstick}`,
    `calls/s vs ${yardstick}`,
    "errors",
  ];
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
        : times(hop.cpuUsPerCall / base.hop.cpuUsPerCall),
      hop === undefined || base === undefined ? "-" : times(m.callsPerSecond / base.callsPerSecond),
      String(m.errors),
    ];
  });
  return formatTextTable(`c=${concurrency} (calls in flight)`, columns, cells);
}
