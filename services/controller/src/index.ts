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
  DEFAULT_INSTALLATION_TIMEOUT_MS,
  DEFAULT_LEASE_TTL_MS,
} from "./controller-server.js";
export { type DeploymentServiceOptions, deploymentService } from "./deployment-service.js";
export {
  type ApplyOutcome,
  DEFAULT_ROUTES_WAIT_MS,
  DeploymentRefused,
  Deployments,
  type DeploymentsOptions,
} from "./deployments.js";
export { DesiredState, type PutResult } from "./desired-state.js";
export {
  type DesiredEntity,
  documentDigest,
  type EntityId,
  entityKey,
  formatRef,
  InvalidEntity,
  nextVersion,
  parseDocument,
} from "./domain-entity.js";
export { InstallIdleSignal } from "./install-idle.js";
export {
  failureReason,
  type InstallationCalls,
  type InstalledRecord,
  installationCalls,
} from "./installation-calls.js";
export {
  type InstallationRecord,
  InstallationRegistry,
  type RegistrationChange,
  type SavedInstallation,
} from "./installation-registry.js";
export { type Lease, leaseExpired, startLease } from "./lease.js";
export {
  documentSelector,
  isPlacedOn,
  PLACEMENT_ANNOTATION,
  type PlacementTarget,
  parseSelector,
  type Selector,
  selectorMatches,
} from "./placement.js";
export {
  type DriftEntry,
  type DriftKind,
  type InstalledRef,
  planReconcile,
  type ReconcileInput,
  type ReconcilePlan,
  type ReconcileStep,
} from "./reconcile-plan.js";
export {
  DEFAULT_RECONCILE_INTERVAL_MS,
  type InstallationDrift,
  type InstallationStatus,
  type PassResult,
  Reconciler,
  type ReconcilerOptions,
} from "./reconciler.js";
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
  type ControllerState,
  formatState,
  InvalidStateFile,
  parseState,
  readStateFile,
  type SavedState,
  StateFile,
  type StateFileOptions,
  writeFileAtomic,
} from "./state-file.js";
