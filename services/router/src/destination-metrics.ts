import type { Code } from "@connectrpc/connect";
import {
  type Counter,
  type CounterSeries,
  codeLabel,
  type Gauge,
  type GaugeSeries,
  type Histogram,
  type HistogramSeries,
  type MetricsRegistry,
} from "@soe/runtime";

/** As rpc_server_duration_seconds, so the two read side by side. */
const forwardDurationBuckets: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** What the forwarder records per destination; NO_DESTINATION_METRICS records nothing. */
export interface DestinationMetrics {
  /** The destination's handles; the forwarder takes them once per attempt (one Map lookup). */
  series(destination: string): DestinationSeries;
}

export interface DestinationSeries {
  /** The destination answered; `ok` is false for a lambda's own non-OK retcode. */
  answered(ok: boolean, seconds: number): void;
  /** The call failed with this code (transport or deadline), after `seconds`. */
  failed(code: Code, seconds: number): void;
  ejected(): void;
}

const NO_SERIES: DestinationSeries = {
  answered() {},
  failed() {},
  ejected() {},
};

export const NO_DESTINATION_METRICS: DestinationMetrics = { series: () => NO_SERIES };

/** What the gauges are sampled from at scrape time, so the hot path pays nothing for them. */
export interface DestinationMetricsSources {
  /** Calls in flight to a destination (DestinationLoad.inFlight). */
  inFlight(destination: string): number;
  /** The current rows of each table, `table` being its id as a string ("0" overall, "1" final). */
  tables(): Iterable<{
    readonly table: string;
    readonly rows: Iterable<{
      readonly lambda: string;
      readonly destination: string;
      readonly weight: number;
    }>;
  }>;
}

/**
 * Per-destination router metrics (issue 14): `soe_router_forwarded_total{destination,outcome}`
 * (outcome "ok", "retcode" for a lambda's own error, or the failure's code in snake_case),
 * `soe_router_forward_duration_seconds{destination}`, `soe_router_ejections_total{destination}`,
 * and, sampled at scrape time, `soe_router_in_flight{destination}` and
 * `soe_router_table_weight{table,lambda,destination}`.
 */
export function registerDestinationMetrics(
  registry: MetricsRegistry,
  sources: DestinationMetricsSources,
): DestinationMetrics {
  const forwarded = registry.counter(
    "soe_router_forwarded_total",
    "Calls forwarded, by destination and outcome (ok, retcode, or the failure's code).",
    ["destination", "outcome"],
  );
  const duration = registry.histogram(
    "soe_router_forward_duration_seconds",
    "Time from the pick to the destination's answer or failure, limiter wait included.",
    ["destination"],
    forwardDurationBuckets,
  );
  const ejections = registry.counter(
    "soe_router_ejections_total",
    "Times a destination was ejected from the tables as unreachable.",
    ["destination"],
  );
  const inFlight = registry.gauge(
    "soe_router_in_flight",
    "Calls in flight to a destination, queued in its limiter included.",
    ["destination"],
  );
  const weight = registry.gauge(
    "soe_router_table_weight",
    "Weight (cost, lower is preferred) of a table's lambda → destination entry.",
    ["table", "lambda", "destination"],
  );

  const byDestination = new Map<string, Series>();
  registry.collect(() => {
    for (const [destination, series] of byDestination) {
      series.inFlight.set(sources.inFlight(destination));
    }
    sampleWeights(weight, sources);
  });
  return {
    series(destination) {
      let series = byDestination.get(destination);
      if (series === undefined) {
        series = new Series(destination, forwarded, duration, ejections, inFlight);
        byDestination.set(destination, series);
      }
      return series;
    },
  };
}

/** Label handles resolved once per destination: a call costs a counter and a histogram update. */
class Series implements DestinationSeries {
  readonly #ok: CounterSeries;
  readonly #retcode: CounterSeries;
  readonly #failures = new Map<Code, CounterSeries>();
  readonly #duration: HistogramSeries;
  readonly #ejections: CounterSeries;
  readonly inFlight: GaugeSeries;

  constructor(
    private readonly destination: string,
    private readonly forwarded: Counter,
    duration: Histogram,
    ejections: Counter,
    inFlight: Gauge,
  ) {
    this.#ok = forwarded.labels({ destination, outcome: "ok" });
    this.#retcode = forwarded.labels({ destination, outcome: "retcode" });
    this.#duration = duration.labels({ destination });
    this.#ejections = ejections.labels({ destination });
    this.inFlight = inFlight.labels({ destination });
  }

  answered(ok: boolean, seconds: number): void {
    (ok ? this.#ok : this.#retcode).inc();
    this.#duration.observe(seconds);
  }

  failed(code: Code, seconds: number): void {
    let counter = this.#failures.get(code);
    if (counter === undefined) {
      counter = this.forwarded.labels({ destination: this.destination, outcome: codeLabel(code) });
      this.#failures.set(code, counter);
    }
    counter.inc();
    this.#duration.observe(seconds);
  }

  ejected(): void {
    this.#ejections.inc();
  }
}

/** Labels of the weight series set at the last scrape, to drop the ones whose entry went away. */
const shownWeights = new WeakMap<
  Gauge,
  Map<string, { table: string; lambda: string; destination: string }>
>();

/**
 * Sets every current entry's weight, and removes the series of an entry gone since the last
 * scrape (Prometheus then marks it stale), so `/metrics` holds the tables as they are.
 */
function sampleWeights(weight: Gauge, sources: DestinationMetricsSources): void {
  const before = shownWeights.get(weight) ?? new Map();
  const now = new Map<string, { table: string; lambda: string; destination: string }>();
  for (const { table, rows } of sources.tables()) {
    for (const { lambda, destination, weight: value } of rows) {
      const labels = { table, lambda, destination };
      weight.set(labels, value);
      now.set(`${table}\u0000${lambda}\u0000${destination}`, labels);
    }
  }
  for (const [key, labels] of before) if (!now.has(key)) weight.remove(labels);
  shownWeights.set(weight, now);
}
