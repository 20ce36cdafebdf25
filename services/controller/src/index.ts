export {
  type ControllerOutcome,
  EdgeController,
  type EdgeControllerOptions,
  type RouterFailureOutcome,
} from "./edge-controller.js";
export { FlatInstaller, INSTALL_WEIGHT } from "./flat-installer.js";
export { HierInstaller, type HierInstallerOptions } from "./hier-installer.js";
export { HIER_OBJECTIVES, type HierObjective, homeRouterAddress } from "./home-router.js";
export {
  EMPTY_PLAN,
  formatInstallStep,
  type InstallPlan,
  type InstallStep,
  opsByRouter,
  type RouteEntry,
  type RouterOp,
  toEdgeRouterConfs,
} from "./install-plan.js";
export type { Installer } from "./installer.js";
export {
  InvalidAnnouncement,
  Membership,
  type MembershipOptions,
} from "./membership.js";
export {
  type ComputerRecord,
  type Container,
  formatMembership,
  type MembershipEvent,
  type MembershipSnapshot,
  type MembershipView,
  type RemovalCause,
  type RouterRecord,
} from "./membership-records.js";
export { endpointAddress, InvalidNode, InvalidTopologyFile, Topology } from "./topology.js";
export { ControlPlane, type ControlPlaneOptions } from "./control-plane.js";
export {
  type ControllerServer,
  type ControllerServerOptions,
  createControllerServer,
  DEFAULT_INSTALL_TIMEOUT_MS,
  DEFAULT_LEASE_TTL_MS,
} from "./controller-server.js";
export { controllerService } from "./controller-service.js";
export { type QueryServiceOptions, queryService } from "./query-service.js";
export {
  type ConfigureCall,
  type ConfigureSender,
  configureSucceeded,
  type InstallQueueListener,
  RouterInstallQueues,
  type RouterInstallQueuesOptions,
  type RouterQueueStatus,
} from "./router-install-queue.js";
export {
  formatState,
  InvalidStateFile,
  parseState,
  readStateFile,
  StateFile,
  type StateFileOptions,
  writeFileAtomic,
} from "./state-file.js";
