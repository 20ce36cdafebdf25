/**
 * The four outcomes of an activation. API output only ever carries these spaced strings; the
 * numeric code appears only as `statusCode` in activation list summaries.
 */
export const ActivationStatus = {
  success: "success",
  applicationError: "application error",
  developerError: "action developer error",
  internalError: "whisk internal error",
} as const;

export type ActivationStatus = (typeof ActivationStatus)[keyof typeof ActivationStatus];

const byCode: readonly ActivationStatus[] = [
  ActivationStatus.success,
  ActivationStatus.applicationError,
  ActivationStatus.developerError,
  ActivationStatus.internalError,
];

export type ActivationStatusCode = 0 | 1 | 2 | 3;

export function activationStatusCode(status: ActivationStatus): ActivationStatusCode {
  return byCode.indexOf(status) as ActivationStatusCode;
}

export function activationStatusOfCode(code: ActivationStatusCode): ActivationStatus {
  return byCode[code] ?? ActivationStatus.internalError;
}

export function isActivationStatus(value: unknown): value is ActivationStatus {
  return typeof value === "string" && (byCode as readonly string[]).includes(value);
}

/**
 * HTTP status of a blocking invocation that completed: the action's own failures (application
 * and developer errors) are 502, the platform's are 500.
 */
export function blockingInvokeHttpStatus(status: ActivationStatus): 200 | 500 | 502 {
  switch (status) {
    case ActivationStatus.success:
      return 200;
    case ActivationStatus.internalError:
      return 500;
    default:
      return 502;
  }
}
