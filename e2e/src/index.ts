// The domain launcher: used by `pnpm dev` (dev.ts) and the e2e tests.
export { type BinaryName, commandOf, REPO_ROOT, type RunFrom, runFromEnv } from "./binaries.js";
export { type Domain, type LaunchOptions, launchDomain } from "./domain-launcher.js";
export { DomainProbe, type TableRow } from "./domain-probe.js";
export { isPortFree, LOOPBACK, PortAllocator } from "./ports.js";
export { type LineSink, OutputTail, prefixedWriter } from "./process-output.js";
export {
  baseEnv,
  type ExitStatus,
  healthz,
  ProcessSupervisor,
  type SupervisorOptions,
} from "./process-supervisor.js";
export {
  COPY_LAMBDA,
  DEV_PORTS,
  GUEST_KEY,
  installationTopology,
  NATIVE_LAMBDA,
  SEED,
  type SeedScenario,
  type SeedScenarioOptions,
  seedRoutes,
  seedTopology,
  startSeedScenario,
} from "./seed-scenario.js";
export { allocatePorts, PortBook, type ProcessSpec, type Topology } from "./topology.js";
