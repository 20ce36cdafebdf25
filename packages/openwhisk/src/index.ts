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
export { activationIdErrorText, isActivationId, newActivationId } from "./activation-id.js";
export {
  ActivationStatus,
  type ActivationStatusCode,
  activationStatusCode,
  activationStatusOfCode,
  blockingInvokeHttpStatus,
  isActivationStatus,
} from "./activation-status.js";
export { activationSummary } from "./activation-summary.js";
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
  activationIdLength,
  ErrorText,
  malformedContent,
  malformedQuery,
  methodNotAllowed,
  notAuthorizedFor,
  packageNotEmpty,
  tooLarge,
  tooManyConcurrent,
} from "./error-texts.js";
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
  type LambdaReplyContext,
  parseWskRetcode,
  RETCODE_OK,
  toLambdaReply,
  WskFailure,
  type WskRetcode,
} from "./lambda-outcome.js";
export {
  type Authentication,
  type Identity,
  KeyRing,
  type KeyRingOptions,
  type NamespaceKeys,
} from "./key-ring.js";
export {
  type CallOptions,
  type InvokeOptions,
  type ListActionsOptions,
  OpenWhiskClient,
  type OpenWhiskClientOptions,
} from "./openwhisk-client.js";
export {
  type Access,
  PUBLIC_ACTION_PROCESSOR,
  resolveAccess,
  resolveActionAccess,
} from "./namespace-access.js";
export { MAX_PAGE_SIZE, type PageWalk, type PageWalkResult, walkPages } from "./pagination.js";
export {
  type ActivationListQuery,
  activationListQuery,
  booleanParam,
  DEFAULT_LIST_LIMIT,
  epochParam,
  type InvokeQuery,
  invokeQuery,
  type ListQuery,
  limitParam,
  listQuery,
  MAX_LIST_LIMIT,
  type QueryBounds,
  type QueryLookup,
  type QueryParams,
  type QueryValue,
  queryParams,
  skipParam,
  timeoutParam,
} from "./query-params.js";
export { GUEST_KEY, WHISK_SYSTEM_KEY } from "./well-known-keys.js";
export {
  type JsonObjectBody,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  parseJsonObjectBody,
} from "./json-object-body.js";
export {
  ACTION_LIMIT_RANGES,
  type ActionDocument,
  annotationValue,
  BLACKBOX_KIND,
  type CodeExecDocument,
  type ExecDocument,
  isBinaryCode,
  isSequenceExec,
  MAX_SEQUENCE_LENGTH,
  mergeActionDocument,
  mergePackageDocument,
  type PackageBinding,
  type PackageDocument,
  type ParameterDocument,
  type Parsed,
  parseActionDocument,
  parsePackageDocument,
  SEQUENCE_KIND,
  type SequenceExecDocument,
} from "./entity-document.js";
export { type ComponentKind, type ComponentLookup, checkSequence } from "./sequence-check.js";
export {
  CAUSED_BY_SEQUENCE,
  memoryLimitOf,
  type SequenceRecordFacts,
  sequenceRecord,
} from "./sequence-record.js";
export {
  type ComponentOutcome,
  type ComponentRunner,
  componentTimeoutText,
  runSequence,
  type SequenceAccounting,
  SequenceErrorText,
  type SequenceRunOptions,
} from "./sequence-run.js";
