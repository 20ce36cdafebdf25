export {
  ActionLister,
  type CatalogEntry,
  controllerLambdaSource,
  type LambdaSource,
} from "./action-lister.js";
export {
  type ActivationFilter,
  type ActivationPage,
  type ActivationStore,
  MemoryActivationStore,
  type MemoryActivationStoreOptions,
} from "./activation-store.js";
export { DomainInvoker, type DomainInvokerOptions, type FinalOutcome } from "./domain-invoker.js";
// The key ring and the guest key are @soe/openwhisk's; exported here too, as they always were.
export { GUEST_KEY, type Identity, KeyRing, type NamespaceKeys } from "@soe/openwhisk";
export { DEFAULT_KEYS, parseKeyFile } from "./key-file.js";
export { createProxyApp, type ProxyAppDeps } from "./proxy-app.js";
export {
  createProxyServer,
  listenEndpoint,
  MAX_WAIT_MS,
  type ProxyServer,
  type ProxyServerOptions,
} from "./proxy-server.js";
