export { ForwardingTable, type TableRow } from "./forwarding-table.js";
export {
  InvalidDestination,
  InvalidWeight,
  InvalidWeightFactor,
  NoDestinations,
} from "./forwarding-table-errors.js";
export { AsyncOptimizer, type AsyncOptimizerOptions } from "./optimizers/async-optimizer.js";
export { AsyncPfOptimizer } from "./optimizers/async-pf-optimizer.js";
export {
  type LocalOptimizer,
  MIN_WEIGHT,
  NoneOptimizer,
  type PollReport,
  type VanishedPair,
  type WeightedTable,
} from "./optimizers/local-optimizer.js";
export {
  InvalidOptimizerConf,
  makeLocalOptimizer,
  OPTIMIZER_TYPES,
} from "./optimizers/optimizer-factory.js";
export {
  TRIVIAL_STATS,
  TrivialOptimizer,
  type TrivialOptimizerOptions,
  type TrivialStat,
} from "./optimizers/trivial-optimizer.js";
export {
  type LeastImpedanceOptions,
  LeastImpedancePolicy,
} from "./policies/least-impedance-policy.js";
export {
  InvalidTableType,
  makeForwardingTable,
  makePolicyFactory,
  type PolicyDeps,
  TABLE_TYPES,
  type TableType,
} from "./policies/policy-factory.js";
export { ProportionalFairnessPolicy } from "./policies/proportional-fairness-policy.js";
export { RoundRobinPolicy } from "./policies/round-robin-policy.js";
export { WeightedRandomPolicy } from "./policies/weighted-random-policy.js";
export {
  type ConfigureRequest,
  FINAL_TABLE,
  OVERALL_TABLE,
  RouterTables,
  type RouterTablesOptions,
  type TableId,
} from "./router-tables.js";
export type {
  Destination,
  SelectionPolicy,
  SelectionPolicyFactory,
  WeightSource,
} from "./selection-policy.js";
export { compareText } from "./text-order.js";
export {
  createRouterServer,
  DEFAULT_OPTIMIZER_CONF,
  DEFAULT_ROUTER_CONF,
  DEFAULT_TABLE_CONF,
  type RouterServer,
  type RouterServerOptions,
} from "./router-server.js";
