export {
  type FuzzTarget,
  type HostileCase,
  type Http1Case,
  type Http2FramesCase,
  type Http2RequestCase,
  hostileCases,
  slowSenderCases,
} from "./hostile-cases.js";
export { type CaseOutcome, HostileRunner, type RunnerOptions } from "./hostile-runner.js";
export { type OutcomeRules, ruleBroken, serveRules } from "./outcome-rules.js";
export { regressionCorpus } from "./corpus.js";
export { SeededBytes } from "./seeded-bytes.js";
