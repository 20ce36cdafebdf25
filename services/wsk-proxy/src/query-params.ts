import { queryParams } from "@soe/openwhisk";

/**
 * OpenWhisk's query rules (openwhisk-api.md §2–§4), within bounds: the proxy faces any client,
 * so integers stay within 64 bits, and long garbage is echoed shortened (the text goes back to
 * whoever sent it, and into no log).
 */
export const {
  listQuery,
  invokeQuery,
  activationListQuery,
  booleanParam,
  limitParam,
  skipParam,
  timeoutParam,
  epochParam,
} = queryParams({ maxIntegerDigits: 18, maxEchoedLength: 64 });
