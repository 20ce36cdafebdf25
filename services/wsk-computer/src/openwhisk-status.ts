import { Code, ConnectError } from "@connectrpc/connect";
import { OpenWhiskError, OpenWhiskHttpError } from "@soe/openwhisk";

/**
 * The RPC code for an OpenWhisk HTTP status: the entity's own troubles keep their meaning
 * (absent, conflicting, refused), the key's refusal is PERMISSION_DENIED, and everything that
 * says "OpenWhisk is not working now" (5xx, throttling) is UNAVAILABLE, which callers retry.
 */
export function codeOfStatus(status: number): Code {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return Code.InvalidArgument;
    case 401:
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.NotFound;
    case 409:
      return Code.AlreadyExists;
    case 429:
      return Code.ResourceExhausted;
    default:
      return status >= 500 ? Code.Unavailable : Code.Unknown;
  }
}

/**
 * A failure of the OpenWhisk client as the ConnectError an InstallationService call answers:
 * OpenWhisk's own error text in the message, which never holds the key (@soe/openwhisk
 * errors.ts: messages name the URL built from the API root only). A failure that is not
 * OpenWhisk's is passed on untouched, for Connect to report as INTERNAL.
 */
export function connectErrorOf(error: unknown, doing: string): unknown {
  if (error instanceof ConnectError || !(error instanceof OpenWhiskError)) return error;
  if (error instanceof OpenWhiskHttpError) {
    const text = error.body?.error ?? "no OpenWhisk error body";
    return new ConnectError(
      `${doing}: OpenWhisk answered ${error.status}: ${text}`,
      codeOfStatus(error.status),
    );
  }
  // Unreachable, timed out, or an answer this client cannot use: OpenWhisk is not serving.
  return new ConnectError(`${doing}: ${error.message}`, Code.Unavailable);
}
