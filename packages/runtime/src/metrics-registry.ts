import {
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry,
} from "prom-client";

/**
 * Every process's `GET /metrics`, through prom-client (issue 14): one prom-client `Registry` per
 * MetricsRegistry, never the library's global one, since tests run many servers in one process.
 * The classes here are a thin layer that keeps the project's call shape (`inc(labels, by)`,
 * `set(labels, value)`, handles from `labels()`), which prom-client's own methods do not take the
 * same way: its `gauge.set(undefined, 3)` would set `undefined`.
 */

/** The Prometheus text exposition format, 0.0.4. */
export const metricsContentType: string = Registry.PROMETHEUS_CONTENT_TYPE;

export type Labels = Readonly<Record<string, string>>;

/** One counter series; hold on to it to update without a lookup. */
export interface CounterSeries {
  inc(by?: number): void;
}

export interface GaugeSeries {
  set(value: number): void;
  inc(by?: number): void;
}

export interface HistogramSeries {
  observe(value: number): void;
}

type PromMetric = PromCounter<string> | PromGauge<string> | PromHistogram<string>;

abstract class Metric<Series, M extends PromMetric> {
  /** Handles by label values, so that a series is created (at 0) once and never reset. */
  readonly #series = new Map<string, Series>();

  constructor(
    /** prom-client's metric, for what this layer does not offer. */
    readonly metric: M,
    readonly name: string,
    readonly labelNames: readonly string[],
  ) {}

  protected abstract create(labels: Labels): Series;

  /**
   * The series for these label values, shown from now on (at 0 until updated), as the text of
   * every scrape should hold the same series. A missing label value is the empty string.
   */
  labels(labels?: Labels): Series {
    const key = this.#key(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = this.create(this.#complete(labels));
      this.#series.set(key, series);
    }
    return series;
  }

  /** Drops a series from the exposition (a destination or an entry that went away). */
  remove(labels: Labels): void {
    const key = this.#key(labels);
    if (!this.#series.delete(key)) return;
    this.metric.remove(this.#complete(labels));
  }

  #key(labels: Labels | undefined): string {
    return JSON.stringify(this.labelNames.map((n) => labels?.[n] ?? ""));
  }

  #complete(labels: Labels | undefined): Record<string, string> {
    for (const n of Object.keys(labels ?? {})) {
      if (!this.labelNames.includes(n))
        throw new Error(`metric '${this.name}' has no label '${n}'`);
    }
    const complete: Record<string, string> = {};
    for (const n of this.labelNames) complete[n] = labels?.[n] ?? "";
    return complete;
  }
}

export class Counter extends Metric<CounterSeries, PromCounter<string>> {
  inc(labels?: Labels, by = 1): void {
    this.labels(labels).inc(by);
  }
  protected create(labels: Labels): CounterSeries {
    this.metric.inc(labels, 0);
    return this.metric.labels(labels);
  }
}

export class Gauge extends Metric<GaugeSeries, PromGauge<string>> {
  set(labels: Labels | undefined, value: number): void {
    this.labels(labels).set(value);
  }
  inc(labels?: Labels, by = 1): void {
    this.labels(labels).inc(by);
  }
  protected create(labels: Labels): GaugeSeries {
    this.metric.inc(labels, 0);
    return this.metric.labels(labels);
  }
}

export const defaultBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class Histogram extends Metric<HistogramSeries, PromHistogram<string>> {
  observe(labels: Labels | undefined, value: number): void {
    this.labels(labels).observe(value);
  }
  protected create(labels: Labels): HistogramSeries {
    this.metric.zero(labels);
    return this.metric.labels(labels);
  }
}

export class MetricsRegistry {
  /** prom-client's registry of this registry's own metrics. */
  readonly registry = new Registry();
  readonly #included: Registry[] = [];
  readonly #collectors: (() => void)[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    this.#checkFree(name);
    const metric = new PromCounter({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
    });
    return new Counter(metric, name, labelNames);
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    this.#checkFree(name);
    const metric = new PromGauge({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
    });
    return new Gauge(metric, name, labelNames);
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = defaultBuckets,
  ): Histogram {
    this.#checkFree(name);
    const bounds = buckets.filter((b) => b !== Number.POSITIVE_INFINITY);
    // prom-client takes the bounds as given: out of order, observations land in wrong buckets.
    if (bounds.some((b, i) => Number.isNaN(b) || (i > 0 && b <= (bounds[i - 1] as number)))) {
      throw new Error(`histogram '${name}' needs increasing buckets`);
    }
    if (labelNames.includes("le")) throw new Error(`histogram '${name}' cannot have a label 'le'`);
    const metric = new PromHistogram({
      name,
      help,
      labelNames: [...labelNames],
      buckets: bounds,
      registers: [this.registry],
    });
    return new Histogram(metric, name, labelNames);
  }

  /** Runs `fn` before each render, to sample values that are read rather than counted. */
  collect(fn: () => void): void {
    this.#collectors.push(fn);
  }

  /** Renders `other`'s metrics too, first (a process's own metrics, shared by its registries). */
  include(other: Registry): void {
    if (this.#included.includes(other)) return;
    for (const metric of other.getMetricsAsArray()) this.#checkFree(metric.name);
    this.#included.push(other);
  }

  /** The text exposition (`metricsContentType`), collectors run first. */
  render(): Promise<string> {
    for (const fn of this.#collectors) fn();
    if (this.#included.length === 0) return this.registry.metrics();
    return Registry.merge([...this.#included, this.registry]).metrics();
  }

  #checkFree(name: string): void {
    for (const registry of [this.registry, ...this.#included]) {
      if (registry.getSingleMetric(name) !== undefined) {
        throw new Error(`metric '${name}' already registered`);
      }
    }
  }
}
