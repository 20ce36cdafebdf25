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
export { type LambdaInput, parseLambdaInput } from "./lambda-input.js";
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
