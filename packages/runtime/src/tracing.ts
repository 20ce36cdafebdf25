import { createRequire } from "node:module";
import type { Context, Span, SpanContext, Tracer } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { createLogger, type Logger } from "./logger.js";
import {
  describeTracingConfig,
  parseTracingConfig,
  type TraceEnv,
  type TracingConfig,
} from "./tracing-config.js";
import {
  extractRemoteParent,
  formatTraceparent,
  type HeaderLookup,
  parseTraceparent,
  type RemoteParent,
  TRACEPARENT,
  TRACESTATE,
} from "./tracing-propagation.js";

/**
 * Process-wide tracing: OpenTelemetry's Node SDK, set up from the `OTEL_*` variables when an
 * end-point is given, with spans made explicitly on our paths (no auto-instrumentation).
 *
 * Off (the default), the SDK is never loaded (it takes ~250 ms to import) and every hop pays one
 * boolean test per call: `isTracing()` first, nothing else. On, spans carry their parent
 * explicitly (no context manager, so no AsyncLocalStorage on every promise).
 */

// The SDK is CommonJS: required on demand, so that a process with tracing off never loads it.
const requireSdk = createRequire(import.meta.url);

type Api = typeof import("@opentelemetry/api");

export type TraceAttributes = Readonly<Record<string, string | number | boolean>>;
export type TraceSpanKind = "server" | "client" | "internal";

/** A span of ours: what the hops use of OpenTelemetry's `Span` (which satisfies it). */
export interface TraceSpan {
  setAttribute(key: string, value: string | number | boolean): unknown;
  addEvent(name: string, attributes?: TraceAttributes): unknown;
  isRecording(): boolean;
  spanContext(): {
    readonly traceId: string;
    readonly spanId: string;
    readonly traceFlags: number;
    readonly traceState?: { serialize(): string } | undefined;
  };
  end(): void;
}

interface TracingState {
  readonly api: Api;
  readonly tracer: Tracer;
  readonly provider: NodeTracerProvider;
}

let state: TracingState | undefined;
/** The one test of the hot path. */
let on = false;

/** Whether spans are made: check it before building anything a span needs. */
export function isTracing(): boolean {
  return on;
}

export interface StartTracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME says otherwise: the binary's name. */
  readonly serviceName: string;
  /** Default process.env. */
  readonly env?: TraceEnv;
  /**
   * Where configuration warnings, the start-up line and export failures go; by default a logger
   * named after the service, on stderr, made only when there is something to say.
   */
  readonly logger?: Logger;
  /** Tests: spans go here, synchronously, whatever the environment says. */
  readonly exporter?: SpanExporter;
}

export interface TracingStatus {
  readonly enabled: boolean;
  readonly warnings: readonly string[];
}

/**
 * Sets tracing up once per process from the environment. Warnings (a bad value, grpc asked for)
 * are logged and returned; tracing stays off unless an OTLP end-point is set. Calling it again
 * while tracing runs changes nothing.
 */
export function startTracing(options: StartTracingOptions): TracingStatus {
  if (state !== undefined) return { enabled: true, warnings: [] };
  let lazyLogger = options.logger;
  const logger = () => {
    // On stderr: a command-line tool's stdout carries its results.
    lazyLogger ??= createLogger({ name: options.serviceName, destination: process.stderr });
    return lazyLogger;
  };
  if (options.exporter !== undefined) {
    install(
      {
        serviceName: options.serviceName,
        tracesUrl: "memory:",
        protocol: "http/protobuf",
        headers: {},
        timeoutMs: 1_000,
        compression: "none",
        sampler: { kind: "parentbased_always_on", ratio: 1 },
        resourceAttributes: {},
        batch: { scheduledDelayMs: 0, maxQueueSize: 1, maxExportBatchSize: 1, exportTimeoutMs: 1 },
      },
      options.exporter,
      logger,
    );
    return { enabled: true, warnings: [] };
  }
  const setup = parseTracingConfig(options.env ?? process.env, options.serviceName);
  for (const warning of setup.warnings) logger().warn(`tracing: ${warning}`);
  if (!setup.enabled) return { enabled: false, warnings: setup.warnings };
  install(setup.config, undefined, logger);
  logger().info(
    { tracing: describeTracingConfig(setup.config) },
    "tracing on: spans exported over OTLP",
  );
  return { enabled: true, warnings: setup.warnings };
}

function install(
  config: TracingConfig,
  testExporter: SpanExporter | undefined,
  logger: () => Logger,
) {
  const api = requireSdk("@opentelemetry/api") as Api;
  const node = requireSdk(
    "@opentelemetry/sdk-trace-node",
  ) as typeof import("@opentelemetry/sdk-trace-node");
  const resources = requireSdk(
    "@opentelemetry/resources",
  ) as typeof import("@opentelemetry/resources");

  const root = (() => {
    switch (config.sampler.kind) {
      case "always_on":
      case "parentbased_always_on":
        return new node.AlwaysOnSampler();
      case "always_off":
      case "parentbased_always_off":
        return new node.AlwaysOffSampler();
      case "traceidratio":
      case "parentbased_traceidratio":
        return new node.TraceIdRatioBasedSampler(config.sampler.ratio);
    }
  })();
  const sampler = config.sampler.kind.startsWith("parentbased_")
    ? new node.ParentBasedSampler({ root })
    : root;

  let processor: InstanceType<typeof node.BatchSpanProcessor | typeof node.SimpleSpanProcessor>;
  if (testExporter !== undefined) processor = new node.SimpleSpanProcessor(testExporter);
  else {
    const exporterOptions = {
      url: config.tracesUrl,
      headers: { ...config.headers },
      timeoutMillis: config.timeoutMs,
      compression: config.compression as never,
    };
    // Module first, then `new`: `new (require(m)).X()` loses its parentheses once compiled.
    const otlp =
      config.protocol === "http/json"
        ? (requireSdk(
            "@opentelemetry/exporter-trace-otlp-http",
          ) as typeof import("@opentelemetry/exporter-trace-otlp-http"))
        : (requireSdk(
            "@opentelemetry/exporter-trace-otlp-proto",
          ) as typeof import("@opentelemetry/exporter-trace-otlp-proto"));
    const exporter = new otlp.OTLPTraceExporter(exporterOptions);
    processor = new node.BatchSpanProcessor(exporter, {
      scheduledDelayMillis: config.batch.scheduledDelayMs,
      maxQueueSize: config.batch.maxQueueSize,
      maxExportBatchSize: Math.min(config.batch.maxExportBatchSize, config.batch.maxQueueSize),
      exportTimeoutMillis: config.batch.exportTimeoutMs,
    });
  }

  const provider = new node.NodeTracerProvider({
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({
        ...config.resourceAttributes,
        "service.name": config.serviceName,
      }),
    ),
    sampler,
    spanProcessors: [processor],
  });
  // Export failures reach the SDK's diagnostics: logged, at most one line every 10 s (a collector
  // that is down must not flood the logs). The exporter's headers are never part of them.
  let lastDiag = Number.NEGATIVE_INFINITY;
  const report = (message: unknown, ...args: unknown[]) => {
    const now = performance.now();
    if (now - lastDiag < 10_000) return;
    lastDiag = now;
    logger().warn(
      { detail: args.map(String).join(" ") || undefined },
      `tracing: ${String(message)}`,
    );
  };
  api.diag.setLogger(
    { error: report, warn: report, info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: api.DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  api.trace.setGlobalTracerProvider(provider);
  state = { api, provider, tracer: provider.getTracer("@soe/runtime") };
  on = true;
}

/**
 * Flushes the spans still queued and stops tracing, within `timeoutMs` (a collector that hangs
 * must not hold a shutdown up). Nothing to do when tracing is off.
 */
export async function stopTracing(timeoutMs = 5_000): Promise<void> {
  const current = state;
  if (current === undefined) return;
  on = false;
  state = undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      current.provider.shutdown().catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
    current.api.trace.disable();
    current.api.diag.disable();
  }
}

/** Where a new span hangs: a span of ours, a caller's context, or nothing (a new trace). */
export type SpanParent = TraceSpan | RemoteParent | undefined;

/**
 * Starts a span, or returns undefined when tracing is off: callers test `isTracing()` first
 * on hot paths, so that nothing (not even the attributes) is built when it is off.
 */
export function startSpan(
  name: string,
  kind: TraceSpanKind,
  parent: SpanParent,
  attributes?: TraceAttributes,
): TraceSpan | undefined {
  const current = state;
  if (current === undefined) return undefined;
  const { api } = current;
  const kindValue =
    kind === "server"
      ? api.SpanKind.SERVER
      : kind === "client"
        ? api.SpanKind.CLIENT
        : api.SpanKind.INTERNAL;
  return current.tracer.startSpan(
    name,
    attributes === undefined ? { kind: kindValue } : { kind: kindValue, attributes },
    parentContext(current, parent),
  );
}

/** A server span whose parent is the caller's `traceparent` in these headers (or metadata). */
export function startServerSpan(
  name: string,
  headers: HeaderLookup,
  attributes?: TraceAttributes,
): TraceSpan | undefined {
  if (state === undefined) return undefined;
  return startSpan(name, "server", extractRemoteParent(headers), attributes);
}

function parentContext(current: TracingState, parent: SpanParent): Context {
  const { api } = current;
  if (parent === undefined) return api.ROOT_CONTEXT;
  if ("isRecording" in parent) return api.trace.setSpan(api.ROOT_CONTEXT, parent as Span);
  const core = requireSdk("@opentelemetry/core") as typeof import("@opentelemetry/core");
  const remote: SpanContext = {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE,
    isRemote: true,
    ...(parent.traceState === "" ? {} : { traceState: new core.TraceState(parent.traceState) }),
  };
  return api.trace.setSpanContext(api.ROOT_CONTEXT, remote);
}

/** `traceparent` (and `tracestate`) naming this span, for the call to the next hop. */
export function spanTraceHeaders(span: TraceSpan): Record<string, string> {
  const context = span.spanContext();
  const headers: Record<string, string> = {
    [TRACEPARENT]: formatTraceparent(
      context.traceId,
      context.spanId,
      (context.traceFlags & 1) === 1,
    ),
  };
  const traceState = context.traceState?.serialize() ?? "";
  if (traceState !== "") headers[TRACESTATE] = traceState;
  return headers;
}

const NO_FIELDS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * `traceId` and `spanId` for an invocation's log line, when the span records; no fields
 * otherwise (no span, tracing off, or not sampled).
 */
export function spanLogFields(
  span: TraceSpan | undefined,
): Readonly<{ traceId?: string; spanId?: string }> {
  if (span === undefined || !span.isRecording()) return NO_FIELDS;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** Marks the span failed (OpenTelemetry status ERROR) with a message; no-op on undefined. */
export function setSpanError(span: TraceSpan | undefined, message: string): void {
  if (span === undefined || state === undefined) return;
  (span as Span).setStatus({ code: state.api.SpanStatusCode.ERROR, message });
}

/** A caller-given `traceparent` (edgeclient's `--traceparent`), parsed; undefined if invalid. */
export function remoteParentOf(
  traceparent: string | undefined,
  tracestate?: string,
): RemoteParent | undefined {
  return traceparent === undefined || traceparent === ""
    ? undefined
    : parseTraceparent(traceparent, tracestate);
}

/** A finished span as tests read it. */
export interface FinishedSpan {
  readonly name: string;
  readonly kind: TraceSpanKind;
  readonly traceId: string;
  readonly spanId: string;
  /** "" for a root span. */
  readonly parentSpanId: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly {
    readonly name: string;
    readonly attributes: Readonly<Record<string, unknown>>;
  }[];
  /** "error" when setSpanError was called. */
  readonly status: "unset" | "ok" | "error";
  readonly serviceName: string;
}

/**
 * Tests of the hops: tracing on in this process, every finished span kept in memory. `stop()`
 * turns tracing off again.
 */
export function recordSpansInMemory(serviceName: string): {
  spans(): FinishedSpan[];
  stop(): Promise<void>;
} {
  const base = requireSdk(
    "@opentelemetry/sdk-trace-base",
  ) as typeof import("@opentelemetry/sdk-trace-base");
  const exporter = new base.InMemorySpanExporter();
  startTracing({ serviceName, exporter });
  return {
    spans: () => exporter.getFinishedSpans().map(finished),
    stop: () => stopTracing(),
  };
}

function finished(span: ReadableSpan): FinishedSpan {
  const kinds: Record<number, TraceSpanKind> = { 0: "internal", 1: "server", 2: "client" };
  const context = span.spanContext();
  return {
    name: span.name,
    kind: kinds[span.kind] ?? "internal",
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? "",
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({ name: e.name, attributes: { ...(e.attributes ?? {}) } })),
    status: span.status.code === 2 ? "error" : span.status.code === 1 ? "ok" : "unset",
    serviceName: String(span.resource.attributes["service.name"] ?? ""),
  };
}
