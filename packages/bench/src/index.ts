export { countFromEnv, secondsFromEnv } from "./bench-env.js";
export { announceListening, upstreamFromArgs } from "./bench-child.js";
export { guardChildren } from "./child-guard.js";
export {
  ChildProcesses,
  type ChildProcessesOptions,
  type StartedChild,
  type StartOptions,
} from "./child-processes.js";
export {
  type CallDone,
  type ClosedLoopCall,
  type ClosedLoopOptions,
  type LoadResult,
  runClosedLoop,
} from "./closed-loop.js";
export { type CpuPlan, pinProcess, planCpus } from "./cpu-pinning.js";
export { echoServerScript } from "./echo-server-script.js";
export { grpcFrame } from "./grpc-frame.js";
export {
  type HopRun,
  type HopUsage,
  type MeasuredRun,
  type Measurement,
  measured,
  measureHop,
  measureHopOrFail,
} from "./hop-measurement.js";
export { type HopVariant, type HopVariantsOptions, measureHopVariants } from "./hop-variants.js";
export { formatHopTables } from "./hop-table.js";
export { LatencySamples, mean, percentile } from "./latency-stats.js";
export { benchLambda, benchRequest, benchResponse, runLambdaPath } from "./lambda-messages.js";
export { fixed, grouped, signed, times } from "./number-format.js";
export { type CpuTimes, processCpuTimes, processRssBytes } from "./proc-stat.js";
export { encodeMessage, type WireField } from "./protobuf-wire.js";
export {
  type FailedRun,
  type LoadFigures,
  loadFigures,
  type MeasuredLoad,
  type RunKey,
} from "./run-record.js";
export { formatTextTable } from "./text-table.js";
export { UnaryLoadClient } from "./unary-load-client.js";
