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
export { DEFAULT_KEYS, GUEST_KEY, type NamespaceKeys, parseKeyFile } from "./key-file.js";
export { type Identity, KeyRing } from "./key-ring.js";
export { createProxyApp, type ProxyAppDeps } from "./proxy-app.js";
export {
  createProxyServer,
  listenEndpoint,
  MAX_WAIT_MS,
  type ProxyServer,
  type ProxyServerOptions,
} from "./proxy-server.js";
