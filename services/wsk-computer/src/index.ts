export {
  type ActionChange,
  ActionLister,
  type ActionListerOptions,
  type ActionView,
  lambdasOf,
  viewChange,
} from "./action-lister.js";
export { type ActionSet, actionSetOf, diffActionSets, sameActionSet } from "./action-set.js";
export {
  ActionAnnouncer,
  type ActionAnnouncerOptions,
  containersFor,
  type ControllerClient,
} from "./announcer.js";
export {
  bindingActionNames,
  bindingsOf,
  type PackageBinding,
  packagedNamespace,
} from "./binding-actions.js";
export { annotateDigest, DIGEST_ANNOTATION, digestOf } from "./digest-annotation.js";
export { collectionOf, type EntityLocation, locationOfRef, refOfListing } from "./entity-ref.js";
export {
  type DeploymentClient,
  InstallationRegistrar,
  type InstallationRegistrarOptions,
} from "./installation-registrar.js";
export { installationService, type InstallationServiceOptions } from "./installation-service.js";
export { KeyNamespace } from "./key-namespace.js";
export { type Labels, parseLabels } from "./labels.js";
export { type LambdaInput, parseLambdaInput } from "./lambda-input.js";
export { codeOfStatus, connectErrorOf } from "./openwhisk-status.js";
export {
  createWskComputerServer,
  type WskComputerServer,
  type WskComputerServerOptions,
} from "./wsk-computer-server.js";
export {
  blockingWaitMs,
  MAX_BLOCKING_WAIT_MS,
  WskLambdaHandler,
  type WskLambdaHandlerOptions,
} from "./wsk-lambda-handler.js";
