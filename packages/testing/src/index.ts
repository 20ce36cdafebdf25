export { makeTestCerts, type TestCerts } from "./certs.js";
export { eventually } from "./eventually.js";
export { FakeClock } from "./fake-clock.js";
export { ManualTime } from "./manual-time.js";
export { unusedPort } from "./unused-port.js";
export {
  type PostgresServer,
  type PostgresServerOptions,
  startPostgresServer,
} from "./postgres-server.js";
export { type Callback, grpc, loadUiiitRpc, unary } from "./grpc-js.js";
export {
  type AnnouncedComputer,
  type AnnouncedContainer,
  type RecordedCall,
  type RecordingController,
  type RecordingControllerOptions,
  startRecordingController,
} from "./recording-controller.js";
export {
  type CaseOutcome,
  type FuzzTarget,
  type HostileCase,
  HostileRunner,
  hostileCases,
  type OutcomeRules,
  regressionCorpus,
  ruleBroken,
  type RunnerOptions,
  SeededBytes,
  serveRules,
  slowSenderCases,
} from "./hostile/index.js";
export {
  type EtcdMember,
  type EtcdServer,
  type EtcdServerOptions,
  startEtcdServer,
} from "./etcd-server.js";
export {
  type PrometheusJob,
  type PrometheusServer,
  type PrometheusServerOptions,
  prometheusConfig,
  type QuerySample,
  type ScrapeTarget,
  startPrometheusServer,
} from "./prometheus-server.js";
