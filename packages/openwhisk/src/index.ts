export {
  type ActionName,
  type ActionNameParse,
  type ActionNameProblem,
  actionNameOfListing,
  DEFAULT_NAMESPACE,
  entityPath,
  formatActionName,
  type InvalidActionName,
  InvalidActionNameError,
  mustParseActionName,
  parseActionName,
  resolveNamespace,
} from "./action-name.js";
export { isActivationId, newActivationId } from "./activation-id.js";
export {
  ActivationStatus,
  type ActivationStatusCode,
  activationStatusCode,
  activationStatusOfCode,
  blockingInvokeHttpStatus,
  isActivationStatus,
} from "./activation-status.js";
export { type ApiRoot, parseApiRoot } from "./api-root.js";
export {
  type ActionDescription,
  type ActionExec,
  type ActionLimits,
  type ActionSummary,
  type ActivationRecord,
  type ActivationResponse,
  type ActivationSummary,
  type ErrorBody,
  isActionSummary,
  isActivationRecord,
  isErrorBody,
  type KeyValue,
  type PackageDescription,
} from "./api-types.js";
export { basicAuthorization } from "./auth.js";
export {
  type EntityNameProblem,
  entityNameErrorText,
  entityNameProblem,
  isEntityName,
  MAX_ENTITY_NAME_LENGTH,
} from "./entity-name.js";
export {
  OpenWhiskError,
  OpenWhiskHttpError,
  OpenWhiskProtocolError,
  OpenWhiskTimeoutError,
  OpenWhiskUnreachableError,
} from "./errors.js";
export {
  classifyInvokeResponse,
  type InvokeClassification,
  type InvokeOutcome,
} from "./invoke-outcome.js";
export {
  badRequestReply,
  type DecodedLambdaReply,
  failureToLambdaReply,
  formatWskRetcode,
  fromLambdaReply,
  isWskFailure,
  type LambdaReply,
  parseWskRetcode,
  RETCODE_OK,
  toLambdaReply,
  WskFailure,
  type WskRetcode,
} from "./lambda-outcome.js";
export {
  type CallOptions,
  type InvokeOptions,
  type ListActionsOptions,
  OpenWhiskClient,
  type OpenWhiskClientOptions,
} from "./openwhisk-client.js";
export { MAX_PAGE_SIZE, type PageWalk, type PageWalkResult, walkPages } from "./pagination.js";
