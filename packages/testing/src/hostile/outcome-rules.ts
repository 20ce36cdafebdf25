import type { HostileCase } from "./hostile-cases.js";
import type { CaseOutcome } from "./hostile-runner.js";

/** What a port may answer to hostile input: anything else is a defect. */
export interface OutcomeRules {
  /** HTTP statuses, e.g. 400 for a bad request; a 5xx only where a rule below allows it. */
  readonly httpStatuses: ReadonlySet<number>;
  /** gRPC statuses (`grpc-status`) of RPC answers. */
  readonly grpcStatuses: ReadonlySet<string>;
  /** A 5xx that is legitimate on this port (e.g. an OpenWhisk activation record of a failure). */
  readonly allows5xx?: (outcome: CaseOutcome) => boolean;
}

/**
 * The answers every port built on `@soe/runtime`'s `serve()` gives to input it cannot serve
 * (packages/runtime/README.md, "Hostile input"): 200 with an RPC error status inside for the
 * RPC protocols; 400 bad request, 401 no or a wrong control-plane token, 404 no such path, 405
 * wrong method, 408 too slow, 413 too large, 415 unsupported content type, 429 a message over the
 * size limit (Connect's resource_exhausted), 431 headers too large, 501/505 for what HTTP/1.1
 * itself does not support; gRPC invalid_argument (3), deadline_exceeded (4), not_found (5),
 * resource_exhausted (8), unimplemented (12), unauthenticated (16), and internal (13) only for a
 * message flagged compressed without a negotiated encoding, as gRPC's own servers answer it.
 */
export const serveRules: OutcomeRules = {
  httpStatuses: new Set([200, 400, 401, 404, 405, 408, 413, 415, 429, 431, 501, 505]),
  grpcStatuses: new Set(["0", "3", "4", "5", "8", "12", "16"]),
};

const jsonType = /^application\/(?:[\w.+-]*\+)?json\b/i;

/** Why an outcome breaks the rules, or undefined when it keeps them. */
export function ruleBroken(
  hostile: HostileCase,
  outcome: CaseOutcome,
  rules: OutcomeRules,
): string | undefined {
  if (outcome.result === "unsendable") return undefined;
  if (hostile.kind === "h1" && hostile.complete && outcome.result !== "answered") {
    return `no answer to a whole request (${outcome.result})`;
  }
  if (hostile.kind === "h2" && outcome.result === "pending") return "no answer in time";
  if (outcome.status !== undefined) {
    const status = outcome.status;
    if (
      status >= 500 &&
      !(rules.allows5xx?.(outcome) ?? false) &&
      !rules.httpStatuses.has(status)
    ) {
      return `HTTP ${status}: ${outcome.body.slice(0, 120)}`;
    }
    if (status < 500 && !rules.httpStatuses.has(status)) return `HTTP ${status} is not documented`;
    if (status >= 400 && outcome.body.length > 0 && !jsonType.test(outcome.contentType ?? "")) {
      return `HTTP ${status} with a ${outcome.contentType ?? "untyped"} body`;
    }
  }
  const grpc = outcome.grpcStatus;
  if (grpc !== undefined && !rules.grpcStatuses.has(grpc)) {
    const compressedWithoutEncoding = grpc === "13" && /compress/i.test(outcome.grpcMessage ?? "");
    if (!compressedWithoutEncoding) return `grpc-status ${grpc}: ${outcome.grpcMessage ?? ""}`;
  }
  return undefined;
}
