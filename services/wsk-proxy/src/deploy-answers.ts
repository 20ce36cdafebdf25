import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorText } from "@soe/openwhisk";
import type { soev1 } from "@soe/proto";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { EdgeErrorText, partiallyApplied } from "./error-texts.js";

/** An OpenWhisk-shaped refusal: the status and the `error` text of its `{error, code}` body. */
export interface Refusal {
  readonly status: ContentfulStatusCode;
  readonly error: string;
  /** Whether the cause is ours (the proxy's configuration, a controller fault): logged at error. */
  readonly ours: boolean;
}

/**
 * What a DeploymentService failure means to an OpenWhisk client. The controller's statuses map
 * to the ones OpenWhisk answers for the same situation; the texts are OpenWhisk's, never the
 * controller's message (it may name installations' end-points, which the client has no use for).
 *
 * PERMISSION_DENIED and UNAUTHENTICATED are 500, not 502: the client did nothing wrong (its key
 * was accepted here), the proxy's control-plane token is wrong, which is a fault inside the
 * service as OpenWhisk answers any failure of its own back end; 502 stays the answer of a change
 * kept but not applied everywhere, so a client can tell "try again" from "retrying for you".
 */
export function refusalOf(error: unknown): Refusal {
  const code = error instanceof ConnectError ? error.code : Code.Unknown;
  switch (code) {
    case Code.AlreadyExists:
      return { status: 409, error: ErrorText.alreadyExists, ours: false };
    case Code.NotFound:
      return { status: 404, error: ErrorText.notFound, ours: false };
    case Code.InvalidArgument:
      return { status: 400, error: invalidArgumentText(error), ours: false };
    case Code.FailedPrecondition:
      return { status: 409, error: conflictText(error), ours: false };
    case Code.Unavailable:
    case Code.ResourceExhausted:
      return { status: 503, error: ErrorText.unavailable, ours: false };
    case Code.DeadlineExceeded:
      return { status: 504, error: EdgeErrorText.domainTimeout, ours: false };
    case Code.Unimplemented:
      return { status: 501, error: EdgeErrorText.noDeployment, ours: true };
    default:
      return { status: 500, error: ErrorText.internal, ours: true };
  }
}

/**
 * The controller's reason for refusing a document it was given (the proxy checked it already, so
 * this is a rule only the controller knows, e.g. a placement it cannot parse): its text, which
 * speaks of the client's own document, bounded.
 */
function invalidArgumentText(error: unknown): string {
  const raw = error instanceof ConnectError ? error.rawMessage : "";
  return raw === "" ? "The request content was malformed." : raw.slice(0, 500);
}

function conflictText(error: unknown): string {
  const raw = error instanceof ConnectError ? error.rawMessage : "";
  return raw === "" ? ErrorText.otherCollection : raw.slice(0, 500);
}

/** Whether the failure says only "the domain does not hold it" (or cannot, being too old). */
export function isNotDomainEntity(error: unknown): boolean {
  return (
    error instanceof ConnectError &&
    (error.code === Code.NotFound || error.code === Code.Unimplemented)
  );
}

export const APPLIED_HEADER = "x-soe-applied";

/**
 * `applied/targeted`, on every answer to a change: OpenWhisk clients ignore it, a person or a
 * script reading headers learns how far the change went, in particular `0/0` (kept, but no
 * installation is placed to serve it yet — OpenWhisk too stores an action it has no invoker for,
 * and answers its invocations 503).
 */
export function appliedHeader(outcome: soev1.ApplyOutcome | undefined): string {
  return outcome === undefined ? "0/0" : `${outcome.applied}/${outcome.targeted}`;
}

/** The 502 of a change kept but not applied on every targeted installation, or undefined. */
export function partialRefusal(
  outcome: soev1.ApplyOutcome | undefined,
  verb: "applied" | "removed",
): Refusal | undefined {
  if (outcome === undefined || outcome.applied >= outcome.targeted) return undefined;
  const failures = outcome.failures.slice(0, 8).map((f) => f.slice(0, 300));
  return {
    status: 502,
    error: partiallyApplied(verb, outcome.applied, outcome.targeted, failures),
    ours: false,
  };
}

export const ROUTES_READY_HEADER = "x-soe-routes-ready";

/**
 * On an action's change: whether every router held its routes when the answer left (the
 * controller waits for them a few seconds at most). `false` tells a script that an invocation
 * right now may still meet a router that does not know the action.
 */
export function routesReadyHeader(outcome: soev1.ApplyOutcome | undefined): string {
  return String(outcome?.routesReady ?? false);
}
