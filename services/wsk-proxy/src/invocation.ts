import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type ActionName,
  ActivationStatus,
  ErrorText,
  formatActionName,
  fromLambdaReply,
} from "@soe/openwhisk";
import type { LambdaRequestSchema } from "@soe/proto";
import { parseRouterRetcode } from "@soe/runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { EdgeErrorText } from "./error-texts.js";
import type { BackendActivation } from "./pending-activation.js";

/**
 * What an invocation came to, as the proxy answers it (openwhisk-api.md §2, §6):
 * - `activation`: the action ran; 200, or 502/500 with the failed activation;
 * - `still-running`: the OpenWhisk that runs it answered 202; so does the proxy, which reads
 *   the record later from `backend` when the wsk-computer said where (pending-activation.ts);
 * - `no-route`: the router has no destination for the name (404 or 503: see DomainInvoker);
 * - `refused`: an OpenWhisk-style `{error, code}` answer.
 */
export type InvocationOutcome =
  | {
      readonly kind: "activation";
      readonly httpStatus: 200 | 500 | 502;
      readonly status: ActivationStatus;
      readonly result: unknown;
    }
  | { readonly kind: "still-running"; readonly backend: BackendActivation | undefined }
  | { readonly kind: "no-route"; readonly allUnreachable: boolean }
  | {
      readonly kind: "refused";
      readonly httpStatus: ContentfulStatusCode;
      readonly error: string;
    };

export type LambdaRequestInit = MessageInitShape<typeof LambdaRequestSchema>;

/**
 * The RunLambda request for an invocation: the fully-qualified action name (what wsk-computers
 * announce) or a lambda's own name (a native computer's), the parameters as JSON text, and
 * hops 1, since the reference's client pool counts the proxy as a hop (reference §1.7:
 * wskproxy → router → edgecomputerwsk answers 3).
 */
export function lambdaRequestFor(
  action: ActionName | string,
  params: Readonly<Record<string, unknown>>,
  uuid: string,
): LambdaRequestInit {
  const name = typeof action === "string" ? action : formatActionName(action);
  return { name, input: JSON.stringify(params), hops: 1, uuid };
}

function refused(httpStatus: ContentfulStatusCode, error: string): InvocationOutcome {
  return { kind: "refused", httpStatus, error };
}

function errorStatus(status: number): ContentfulStatusCode {
  return status >= 400 && status <= 599 ? (status as ContentfulStatusCode) : 500;
}

/**
 * Reads a RunLambda reply with the shared decoder (packages/openwhisk lambda-outcome.ts, mapping
 * in packages/proto/proto/uiiit/rpc/wsk-outcomes.md). Departures from its suggested statuses:
 * a wsk-computer whose own key its OpenWhisk refuses is the domain's misconfiguration (500, not
 * 401/403, which would tell the caller its key is wrong); an unusable answer is a 500 too (see
 * below); and texts that would reveal internal addresses (unreachable, timeout, bad answers) are
 * replaced by fixed ones.
 */
export function outcomeOfReply(retcode: string, output: string): InvocationOutcome {
  const decoded = fromLambdaReply(retcode, output);
  switch (decoded.kind) {
    case "success":
      return {
        kind: "activation",
        httpStatus: 200,
        status: decoded.activationStatus,
        result: decoded.result,
      };
    case "application_error":
    case "developer_error":
    case "internal_error":
      return {
        kind: "activation",
        httpStatus: decoded.activationStatus === ActivationStatus.internalError ? 500 : 502,
        status: decoded.activationStatus,
        result: decoded.result,
      };
    case "accepted": {
      const { activationId, installation } = decoded;
      return {
        kind: "still-running",
        backend: installation === undefined ? undefined : { activationId, installation },
      };
    }
    case "not_found":
      return refused(404, ErrorText.notFound);
    case "unauthorized":
      return refused(500, ErrorText.internal);
    case "rejected":
      return refused(errorStatus(decoded.httpStatus), decoded.error || ErrorText.internal);
    case "unreachable":
      return refused(503, ErrorText.unavailable);
    case "timeout":
      return refused(504, EdgeErrorText.domainTimeout);
    case "bad_request":
      return refused(400, decoded.error);
    case "protocol_error":
    case "computer_error":
      // 500, not the decoder's 502 for a bad answer: OpenWhisk clients read a 502 as a failed
      // activation (the wsk CLI prints it as the record), and this one has none.
      return refused(500, ErrorText.internal);
    case "foreign": {
      // The router's own retcodes (reference §3.3), shared through @soe/runtime.
      const router = parseRouterRetcode(retcode);
      if (router?.kind === "no-destinations") {
        return { kind: "no-route", allUnreachable: router.allUnreachable };
      }
      if (router?.kind === "loop-detected") return refused(500, ErrorText.internal);
      // Reference §6.1 step 9: a lambda's free-text error was a 404 carrying the retcode.
      return refused(404, retcode);
    }
  }
}

/**
 * An RPC that failed: the router unreachable or without a healthy destination (Unavailable),
 * the domain too slow (DeadlineExceeded), anything else ours or the router's to fix.
 */
export function outcomeOfRpcError(error: unknown): InvocationOutcome {
  const failure = ConnectError.from(error);
  switch (failure.code) {
    case Code.Unavailable:
    case Code.ResourceExhausted:
    case Code.Canceled:
    case Code.Aborted:
      return refused(503, ErrorText.unavailable);
    case Code.DeadlineExceeded:
      return refused(504, EdgeErrorText.domainTimeout);
    default:
      return refused(500, ErrorText.internal);
  }
}
