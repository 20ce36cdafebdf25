import { activationStatusCode } from "./activation-status.js";
import type { ActivationRecord, ActivationSummary } from "./api-types.js";

/**
 * An element of `GET .../activations` without `docs=true` (openwhisk-api.md §4): no response,
 * no logs; the numeric status code instead, once the activation has ended.
 */
export function activationSummary(record: ActivationRecord): ActivationSummary {
  return {
    activationId: record.activationId,
    namespace: record.namespace,
    name: record.name,
    version: record.version,
    publish: record.publish,
    annotations: record.annotations,
    start: record.start,
    ...(record.end === undefined ? {} : { end: record.end, duration: record.duration ?? 0 }),
    ...(record.cause === undefined ? {} : { cause: record.cause }),
    ...(record.end === undefined
      ? {}
      : { statusCode: activationStatusCode(record.response.status) }),
  };
}
