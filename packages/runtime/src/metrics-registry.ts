/**
 * A small registry rendering the Prometheus text exposition format (version 0.0.4), enough for
 * `GET /metrics` on every process without a dependency.
 */

export const metricsContentType = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Readonly<Record<string, string>>;

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

abstract class Metric<Series> {
  abstract readonly type: "counter" | "gauge" | "histogram";
  /** Keyed by the rendered label pairs, `procedure="/a/B",code="ok"`. */
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!metricName.test(name)) throw new Error(`invalid metric name '${name}'`);
    for (const label of labelNames) {
      if (!labelName.test(label) || label.startsWith("__")) {
        throw new Error(`invalid label name '${label}' for metric '${name}'`);
      }
    }
  }

  protected abstract create(): Series;
  protected abstract renderSeries(lines: string[], labels: string, series: Series): void;

  /** The series for these label values; hold on to it to update without a lookup. */
  labels(labels?: Labels): Series {
    const key = this.labelNames.map((n) => `${n}="${escapeLabel(labels?.[n] ?? "")}"`).join(",");
    let series = this.series.get(key);
    if (series === undefined) {
      for (const n of Object.keys(labels ?? {})) {
        if (!this.labelNames.includes(n))
          throw new Error(`metric '${this.name}' has no label '${n}'`);
      }
      series = this.create();
      this.series.set(key, series);
    }
    return series;
  }

  render(lines: string[]): void {
    // An unlabelled metric is shown from the start, as 0, like other Prometheus clients do.
    if (this.labelNames.length === 0) this.labels();
    lines.push(`# HELP ${this.name} ${this.help.replace(/[\\\n]/g, escapeChar)}`);
    lines.push(`# TYPE ${this.name} ${this.type}`);
    for (const [labels, series] of this.series) this.renderSeries(lines, labels, series);
  }
}

export class CounterSeries {
  value = 0;
  inc(by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter cannot change by ${by}`);
    this.value += by;
  }
}

export class Counter extends Metric<CounterSeries> {
  readonly type = "counter";
  inc(labels?: Labels, by = 1): void {
    this.labels(labels).inc(by);
  }
  protected create(): CounterSeries {
    return new CounterSeries();
  }
  protected renderSeries(lines: string[], labels: string, series: CounterSeries): void {
    lines.push(`${this.name}${braces(labels)} ${formatNumber(series.value)}`);
  }
}

export class GaugeSeries {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
  inc(by = 1): void {
    this.value += by;
  }
}

export class Gauge extends Metric<GaugeSeries> {
  readonly type = "gauge";
  set(labels: Labels | undefined, value: number): void {
    this.labels(labels).set(value);
  }
  inc(labels?: Labels, by = 1): void {
    this.labels(labels).inc(by);
  }
  protected create(): GaugeSeries {
    return new GaugeSeries();
  }
  protected renderSeries(lines: string[], labels: string, series: GaugeSeries): void {
    lines.push(`${this.name}${braces(labels)} ${formatNumber(series.value)}`);
  }
}

export const defaultBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class HistogramSeries {
  /** Per bucket, not cumulative: observe touches one slot; render adds them up. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        (this.counts[i] as number)++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }
}

export class Histogram extends Metric<HistogramSeries> {
  readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    super(name, help, labelNames);
    if (labelNames.includes("le")) throw new Error(`histogram '${name}' cannot have a label 'le'`);
    this.buckets = buckets.filter((b) => b !== Number.POSITIVE_INFINITY);
    if (
      this.buckets.some(
        (b, i) => Number.isNaN(b) || (i > 0 && b <= (this.buckets[i - 1] as number)),
      )
    ) {
      throw new Error(`histogram '${name}' needs increasing buckets`);
    }
  }

  observe(labels: Labels | undefined, value: number): void {
    this.labels(labels).observe(value);
  }
  protected create(): HistogramSeries {
    return new HistogramSeries(this.buckets);
  }
  protected renderSeries(lines: string[], labels: string, series: HistogramSeries): void {
    const prefix = labels === "" ? "" : `${labels},`;
    let cumulative = 0;
    series.bounds.forEach((bound, i) => {
      cumulative += series.counts[i] as number;
      lines.push(`${this.name}_bucket{${prefix}le="${formatNumber(bound)}"} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${series.count}`);
    lines.push(`${this.name}_sum${braces(labels)} ${formatNumber(series.sum)}`);
    lines.push(`${this.name}_count${braces(labels)} ${series.count}`);
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric<unknown>>();
  private readonly collectors: (() => void)[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = defaultBuckets,
  ): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** Runs `fn` before each render, to sample values that are read rather than counted. */
  collect(fn: () => void): void {
    this.collectors.push(fn);
  }

  render(): string {
    for (const fn of this.collectors) fn();
    const lines: string[] = [];
    for (const metric of this.metrics.values()) metric.render(lines);
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }

  private add<M extends Metric<unknown>>(metric: M): M {
    if (this.metrics.has(metric.name))
      throw new Error(`metric '${metric.name}' already registered`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
}

function braces(labels: string): string {
  return labels === "" ? "" : `{${labels}}`;
}

function escapeChar(c: string): string {
  return c === "\n" ? "\\n" : `\\${c}`;
}

function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, escapeChar);
}

function formatNumber(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(n);
}
