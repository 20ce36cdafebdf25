import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { CounterSeries, Gauge, HistogramSeries, MetricsRegistry } from "./metrics-registry.js";

// The registry is part of this module's API: servers import everything metrics from here.
export {
  Counter,
  type CounterSeries,
  defaultBuckets,
  Gauge,
  type GaugeSeries,
  Histogram,
  type HistogramSeries,
  type Labels,
  MetricsRegistry,
  metricsContentType,
} from "./metrics-registry.js";

/** What every RPC server records: calls by procedure and code, and their durations. */
export interface RpcMetrics {
  /** `code` is "ok" or a Code name in snake_case, like "deadline_exceeded". */
  record(procedure: string, code: string, seconds: number): void;
}

export const rpcDurationBuckets: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const rpcMetricsByRegistry = new WeakMap<MetricsRegistry, RpcMetrics>();

/** One RpcMetrics per registry, so servers of one process (a router's two ports) can share it. */
export function createRpcMetrics(registry: MetricsRegistry): RpcMetrics {
  const existing = rpcMetricsByRegistry.get(registry);
  if (existing !== undefined) return existing;
  const created = newRpcMetrics(registry);
  rpcMetricsByRegistry.set(registry, created);
  return created;
}

function newRpcMetrics(registry: MetricsRegistry): RpcMetrics {
  const calls = registry.counter(
    "rpc_server_calls_total",
    "RPCs handled, by procedure and status code.",
    ["procedure", "code"],
  );
  const duration = registry.histogram(
    "rpc_server_duration_seconds",
    "Time to handle an RPC, by procedure.",
    ["procedure"],
    rpcDurationBuckets,
  );
  // Called for every RPC: the series handles are looked up in nested maps keyed by the plain
  // strings (two Map lookups), never by labels built per call; the updates are prom-client's.
  const byProcedure = new Map<
    string,
    { duration: HistogramSeries; calls: Map<string, CounterSeries> }
  >();
  return {
    record(procedure, code, seconds) {
      let entry = byProcedure.get(procedure);
      if (entry === undefined) {
        entry = { duration: duration.labels({ procedure }), calls: new Map() };
        byProcedure.set(procedure, entry);
      }
      let counter = entry.calls.get(code);
      if (counter === undefined) {
        counter = calls.labels({ procedure, code });
        entry.calls.set(code, counter);
      }
      counter.inc();
      entry.duration.observe(seconds);
    },
  };
}

const codeLabels: string[] = [];
for (const [name, value] of Object.entries(Code)) {
  if (typeof value === "number")
    codeLabels[value] = name.replace(/(?<!^)[A-Z]/g, "_$&").toLowerCase();
}

export function codeLabel(code: Code | undefined): string {
  return code === undefined ? "ok" : (codeLabels[code] ?? String(code));
}

const procedures = new WeakMap<object, string>();

/**
 * Times each call and records "ok" or its error code. For streaming responses the time is until
 * the response starts, as the interceptor does not see the stream end.
 */
export function metricsInterceptor(metrics: RpcMetrics): Interceptor {
  return (next) => async (req) => {
    const start = performance.now();
    let procedure = procedures.get(req.method);
    if (procedure === undefined) {
      procedure = `/${req.service.typeName}/${req.method.name}`;
      procedures.set(req.method, procedure);
    }
    try {
      const res = await next(req);
      metrics.record(procedure, "ok", (performance.now() - start) / 1000);
      return res;
    } catch (e) {
      metrics.record(
        procedure,
        codeLabel(ConnectError.from(e).code),
        (performance.now() - start) / 1000,
      );
      throw e;
    }
  };
}

const connectionGauges = new WeakMap<MetricsRegistry, Gauge>();

/** `server_open_connections{port}`: connections a port has accepted and not yet seen close. */
export function openConnectionsGauge(registry: MetricsRegistry): Gauge {
  let gauge = connectionGauges.get(registry);
  if (gauge === undefined) {
    gauge = registry.gauge(
      "server_open_connections",
      "Connections accepted and not yet closed, by listening port.",
      ["port"],
    );
    connectionGauges.set(registry, gauge);
  }
  return gauge;
}

let processMetrics: Registry | undefined;

/**
 * prom-client's default metrics (`process_*`, `nodejs_*`: CPU, memory, heap, event-loop lag,
 * GC, handles), collected once per process into a registry of their own and shared by every
 * registry that shows them. Each collection starts an event-loop delay monitor and a GC observer
 * that prom-client never stops: one per registry would pile up across the many servers a test
 * process starts and closes. Neither keeps the process alive.
 */
export function processMetricsRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** Shows the process's own metrics (processMetricsRegistry) on this registry's `/metrics`. */
export function registerProcessMetrics(registry: MetricsRegistry): void {
  registry.include(processMetricsRegistry());
}
