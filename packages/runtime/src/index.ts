// Serving: one port for gRPC, Connect, gRPC-Web and plain HTTP.
export { type RunningServer, type ServeOptions, serve } from "./serve.js";
export type { Routes } from "./service-registry.js";

// Calling: transports keyed by end-point.
export {
  type ClientOptions,
  createTransport,
  type EndpointTransport,
  TransportPool,
} from "./transports.js";
export { RequestNotSentError, requestNotSent } from "./request-not-sent.js";
export { type BoundedRead, readBounded, readBoundedStream } from "./bounded-body.js";
export { type Endpoint, endpointUrl, formatEndpoint, parseEndpoint } from "./endpoint.js";
export { advertisedEndpoint } from "./advertised-endpoint.js";
export { peerFailure } from "./peer-failure.js";
// Retcodes every edge node may write itself (reference §1.2, §3.3).
export {
  allUnreachableRetcode,
  LOOP_DETECTED,
  NO_DESTINATIONS,
  parseRouterRetcode,
  RETCODE_OK,
  type RouterRetcode,
} from "./retcodes.js";
// The reference's string order (std::map), for tables, dumps and membership.
export { compareText } from "./text-order.js";
export {
  type ClientTlsOptions,
  loadClientTls,
  loadServerTls,
  type ServerTlsOptions,
} from "./tls.js";
export {
  type ClientTlsHelp,
  type ClientTlsOptionKey,
  type ClientTlsOptionSpecs,
  type ClientTlsValues,
  clientTlsFromOptions,
  clientTlsOptionSpecs,
  type PemFileOptionSpec,
  type ServerTlsOptionSpecs,
  type ServerTlsValues,
  serverTlsFromOptions,
  serverTlsOptionSpecs,
} from "./tls-options.js";

// Retrying and repeating.
export { Backoff, type BackoffOptions } from "./backoff.js";
export { type PeriodicTask, type PeriodicTaskOptions, startPeriodicTask } from "./periodic-task.js";
export { backgroundScheduler, type Scheduler, timerScheduler } from "./scheduler.js";
// Membership: announcing to the controller with a lease.
export { type AnnouncementFields, Announcer, type AnnouncerOptions } from "./announcer.js";
export {
  type ControllerSwitchListener,
  createControllerTransport,
  FailoverTransport,
  parseControllerEndpoints,
} from "./controller-endpoints.js";
export {
  type EndpointSwitchListener,
  type FailoverTransportOptions,
  type MoveOnPolicy,
  moveOnNotSent,
  moveOnUnanswered,
  parseEndpointList,
} from "./failover-transport.js";
export { createRouterTransport, parseRouterEndpoints } from "./router-endpoints.js";

// Process plumbing: options, logging, shutdown, metrics, control-plane auth.
export {
  defineProgram,
  deprecatedEnvName,
  envName,
  envPrefix,
  flagName,
  formatHelp,
  type OptionSpec,
  type OptionSpecs,
  type OptionType,
  type OptionValues,
  type ParseResult,
  parseOptions,
  type ProgramSpec,
} from "./options.js";
export { exitWithUsageError, type MainIO, parseOrExit } from "./run-main.js";
export { Conf, InvalidConf, InvalidValue, NoValue } from "./conf-string.js";
export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { onShutdown, type ShutdownOptions } from "./shutdown.js";
export {
  type Counter,
  type CounterSeries,
  codeLabel,
  createRpcMetrics,
  type Gauge,
  type GaugeSeries,
  type Histogram,
  type HistogramSeries,
  type Labels,
  MetricsRegistry,
  metricsContentType,
  metricsInterceptor,
  processMetricsRegistry,
  type RpcMetrics,
  registerProcessMetrics,
} from "./metrics.js";
export {
  bearerHeader,
  checkBearer,
  type ControlAuthOptions,
  controlAuthInterceptor,
} from "./control-auth.js";
// Tracing: OpenTelemetry from the OTEL_* variables, off unless an end-point is set (issue 14).
export {
  type FinishedSpan,
  isTracing,
  recordSpansInMemory,
  remoteParentOf,
  type SpanParent,
  setSpanError,
  spanLogFields,
  spanTraceHeaders,
  type StartTracingOptions,
  startServerSpan,
  startSpan,
  startTracing,
  stopTracing,
  type TraceAttributes,
  type TraceSpan,
  type TraceSpanKind,
  type TracingStatus,
} from "./tracing.js";
export { activeSpan, runWithSpan } from "./tracing-scope.js";
export {
  describeTracingConfig,
  parseTracingConfig,
  type TracingConfig,
  type TracingSetup,
} from "./tracing-config.js";
export {
  extractRemoteParent,
  formatTraceparent,
  type HeaderLookup,
  parseTraceparent,
  type RemoteParent,
  TRACEPARENT,
  TRACESTATE,
  traceHeaders,
} from "./tracing-propagation.js";
