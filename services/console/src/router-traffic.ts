import type {
  DestinationForwarding,
  DestinationTraffic,
  RouterTraffic,
  WeightView,
} from "./domain-view.js";
import { type Sample, sumSamples } from "./prometheus-text.js";

export type { DestinationForwarding, DestinationTraffic, RouterTraffic, WeightView };

/** One reading of a router's `/metrics`, with the monotonic time it was taken (ms). */
export interface MetricsReading {
  readonly atMs: number;
  readonly samples: readonly Sample[];
}

export const RUN_LAMBDA = "/uiiit.rpc.EdgeServer/RunLambda";
const CALLS = "rpc_server_calls_total";
const DURATION_SUM = "rpc_server_duration_seconds_sum";
const DURATION_COUNT = "rpc_server_duration_seconds_count";
const OPEN_CONNECTIONS = "server_open_connections";
// The router's per-destination series (services/router/src/destination-metrics.ts).
const FORWARDED = "soe_router_forwarded_total";
const FORWARD_SUM = "soe_router_forward_duration_seconds_sum";
const FORWARD_COUNT = "soe_router_forward_duration_seconds_count";
const EJECTIONS = "soe_router_ejections_total";
const IN_FLIGHT = "soe_router_in_flight";
const TABLE_WEIGHT = "soe_router_table_weight";
const FORWARDING_SERIES = new Set([FORWARDED, FORWARD_COUNT, EJECTIONS, IN_FLIGHT, TABLE_WEIGHT]);

/**
 * A router's traffic from its latest `/metrics` reading and the one before (rates need two; the
 * first reading shows totals and zero rates). A counter that went down means the router restarted:
 * its whole new value counts as this interval's, as Prometheus' `rate()` does.
 */
export function routerTraffic(
  current: MetricsReading,
  previous: MetricsReading | undefined,
): RouterTraffic {
  const seconds = previous === undefined ? 0 : (current.atMs - previous.atMs) / 1000;
  const rate = (name: string, match: Readonly<Record<string, string>>) =>
    seconds > 0 && previous !== undefined
      ? increase(
          sumSamples(previous.samples, name, match),
          sumSamples(current.samples, name, match),
        ) / seconds
      : 0;
  const runLambda = { procedure: RUN_LAMBDA };
  const callsByCode: Record<string, number> = {};
  for (const s of current.samples) {
    if (s.name === CALLS && s.labels.procedure === RUN_LAMBDA) {
      const code = s.labels.code ?? "";
      callsByCode[code] = (callsByCode[code] ?? 0) + s.value;
    }
  }
  const totalCalls = Object.values(callsByCode).reduce((a, b) => a + b, 0);
  const allPerSecond = rate(CALLS, runLambda);
  const okPerSecond = rate(CALLS, { ...runLambda, code: "ok" });
  const countPerSecond = rate(DURATION_COUNT, runLambda);
  const sumPerSecond = rate(DURATION_SUM, runLambda);
  return {
    callsPerSecond: okPerSecond,
    errorsPerSecond: Math.max(0, allPerSecond - okPerSecond),
    meanLatencyMs: countPerSecond > 0 ? (sumPerSecond / countPerSecond) * 1000 : null,
    totalCalls,
    callsByCode,
    openConnections: sumSamples(current.samples, OPEN_CONNECTIONS),
    destinations: destinationTraffic(current, previous, seconds),
  };
}

function increase(before: number, after: number): number {
  return after >= before ? after - before : after;
}

/** Every series labelled `destination`, grouped by destination, histogram buckets left out. */
function destinationTraffic(
  current: MetricsReading,
  previous: MetricsReading | undefined,
  seconds: number,
): DestinationTraffic[] {
  const byDestination = new Map<string, Record<string, number>>();
  for (const s of current.samples) {
    const destination = s.labels.destination;
    if (destination === undefined || s.name.endsWith("_bucket")) continue;
    let series = byDestination.get(destination);
    if (series === undefined) {
      series = {};
      byDestination.set(destination, series);
    }
    const key = seriesKey(s);
    const counter = s.name.endsWith("_total") || s.name.endsWith("_count");
    let value = s.value;
    if (counter) {
      const before = previous?.samples.find(
        (p) => p.name === s.name && sameLabels(p.labels, s.labels),
      );
      value = seconds > 0 && before !== undefined ? increase(before.value, s.value) / seconds : 0;
    }
    series[counter ? `${key}/s` : key] = (series[counter ? `${key}/s` : key] ?? 0) + value;
  }
  return [...byDestination]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([destination, series]) => {
      const forwarding = destinationForwarding(destination, current, previous, seconds);
      return forwarding === undefined
        ? { destination, series }
        : { destination, series, forwarding };
    });
}

/** The `soe_router_*` series of one destination, assembled; undefined if the router has none. */
export function destinationForwarding(
  destination: string,
  current: MetricsReading,
  previous: MetricsReading | undefined,
  seconds: number,
): DestinationForwarding | undefined {
  const mine = current.samples.filter((s) => s.labels.destination === destination);
  if (!mine.some((s) => FORWARDING_SERIES.has(s.name))) return undefined;
  const at = { destination };
  const rate = (name: string, match: Readonly<Record<string, string>>) =>
    seconds > 0 && previous !== undefined
      ? increase(
          sumSamples(previous.samples, name, match),
          sumSamples(current.samples, name, match),
        ) / seconds
      : 0;
  const callsByOutcome: Record<string, number> = {};
  for (const s of mine) {
    if (s.name === FORWARDED) {
      const outcome = s.labels.outcome ?? "";
      callsByOutcome[outcome] = (callsByOutcome[outcome] ?? 0) + s.value;
    }
  }
  const callsPerSecond = rate(FORWARDED, { ...at, outcome: "ok" });
  const lambdaErrorsPerSecond = rate(FORWARDED, { ...at, outcome: "retcode" });
  const countPerSecond = rate(FORWARD_COUNT, at);
  const weights: WeightView[] = mine
    .filter((s) => s.name === TABLE_WEIGHT && s.value > 0)
    .map((s) => ({ table: Number(s.labels.table), lambda: s.labels.lambda ?? "", weight: s.value }))
    .sort((a, b) => a.table - b.table || (a.lambda < b.lambda ? -1 : a.lambda > b.lambda ? 1 : 0));
  return {
    callsPerSecond,
    lambdaErrorsPerSecond,
    failuresPerSecond: Math.max(0, rate(FORWARDED, at) - callsPerSecond - lambdaErrorsPerSecond),
    meanLatencyMs: countPerSecond > 0 ? (rate(FORWARD_SUM, at) / countPerSecond) * 1000 : null,
    inFlight: sumSamples(current.samples, IN_FLIGHT, at),
    ejections: sumSamples(current.samples, EJECTIONS, at),
    ejectionsPerSecond: rate(EJECTIONS, at),
    callsByOutcome,
    weights,
  };
}

/** The metric name with its labels other than `destination`, e.g. `calls_total{code="ok"}`. */
function seriesKey(s: Sample): string {
  const others = Object.entries(s.labels)
    .filter(([k]) => k !== "destination")
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v}"`);
  return others.length === 0 ? s.name : `${s.name}{${others.join(",")}}`;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
