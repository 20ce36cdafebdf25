export {
  type ComputerServer,
  type ComputerServerOptions,
  createComputerServer,
} from "./computer-server.js";
export {
  FunctionCatalog,
  type FunctionCatalogOptions,
  type FunctionResult,
  JS_PROCESSOR,
} from "./functions/function-catalog.js";
export type { Container, ContainerSpec } from "./model/container.js";
export { type Loads, loadPercent, ProcessorLoads } from "./model/processor-loads.js";
export { Processor, type ProcessorSpec, type ProcessorType } from "./model/processor.js";
export { parseProfileFile, profileFileExample } from "./model/profile-file.js";
export {
  type ComputerProfile,
  buildComputer,
  intelServerProfile,
  raspberryProfile,
} from "./model/profiles.js";
export { type OutputSpec, type Requirements, taskNeeds } from "./model/sim-lambda.js";
export { type Completion, SimulatedComputer } from "./model/simulated-computer.js";
export { DEFAULT_COMPUTER_CONF, profileFromConf } from "./profile-conf.js";
export { SimulationRunner } from "./simulation-runner.js";
export { UtilizationMonitor } from "./utilization-monitor.js";
