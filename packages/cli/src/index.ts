// The tools as functions, for e2e tests and benchmarks that drive them in-process.
export { type CliIO, type TextSink, UsageError } from "./cli-io.js";
export { type EdgeClientIO, type EdgeClientSettings, runEdgeClient } from "./edge-client.js";
export { edgeClientProgram, edgeClientSettings } from "./edgeclient-program.js";
export {
  type ForwardingTableClientOptions,
  runForwardingTableClient,
  TABLE_ACTIONS,
} from "./forwarding-table-client.js";
export { formatResultLine, formatStatLine, type ResultLine } from "./result-line.js";
export { SummaryStat } from "./summary-stat.js";
export {
  formatUtilizationSample,
  runUtilizationClient,
  type UtilizationClientIO,
  type UtilizationClientOptions,
} from "./utilization-client.js";
