export {
  type ConsoleServer,
  type ConsoleServerOptions,
  createConsoleServer,
} from "./console-server.js";
export { DomainReader, type DomainReaderOptions } from "./domain-reader.js";
export {
  assembleDomainView,
  type DomainReadings,
  NOTE_NO_ACTIVATIONS,
  NOTE_NO_DESTINATION_SERIES,
  type Reading,
} from "./domain-snapshot.js";
export type * from "./domain-view.js";
export { DomainWatch, type DomainWatchOptions, SNAPSHOT_EVENT } from "./domain-watch.js";
export {
  type MetricType,
  type ParsedMetrics,
  parsePrometheusText,
  type Sample,
  selectSamples,
  sumSamples,
} from "./prometheus-text.js";
export {
  destinationForwarding,
  type MetricsReading,
  RUN_LAMBDA,
  routerTraffic,
} from "./router-traffic.js";
export {
  type PublishResult,
  SnapshotFeed,
  type SnapshotFeedOptions,
  sseFrame,
} from "./snapshot-feed.js";
