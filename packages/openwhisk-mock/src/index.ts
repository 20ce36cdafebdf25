export { createOpenWhiskApp, createOpenWhiskMock, type OpenWhiskMock } from "./app.js";
export { parseAuthFile } from "./auth-file.js";
export type { OpenWhiskMockOptions } from "./mock-options.js";
export { type SampleActionName, sampleActionNames, sampleActions } from "./sample-actions.js";
export {
  type RunningOpenWhiskMock,
  type StartOpenWhiskMockOptions,
  startOpenWhiskMock,
} from "./server.js";
export { GUEST_KEY, WHISK_SYSTEM_KEY } from "@soe/openwhisk";
export {
  installWhiskSystemCatalog,
  UTILS_PACKAGE,
  type UtilsActionName,
  utilsActionNames,
  utilsActions,
  WHISK_SYSTEM_NAMESPACE,
} from "./whisk-system-catalog.js";
