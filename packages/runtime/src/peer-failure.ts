import { ConnectError } from "@connectrpc/connect";
import { codeLabel } from "./metrics.js";

/** What the socket error codes mean to a person reading the log. */
const socketCauses: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  ETIMEDOUT: "connect timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
};

/**
 * Why a call to a peer failed, in a few words, when the failure is an expected condition: an RPC
 * error (the peer is down, slow, or refuses us), described by its socket cause when it has one
 * ("connection refused"). `undefined` for anything else, which is a bug and deserves its stack.
 */
export function peerFailure(error: unknown): string | undefined {
  if (!(error instanceof ConnectError)) return undefined;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && socketCauses[code] !== undefined) return socketCauses[code];
  }
  return `${codeLabel(error.code)}: ${error.rawMessage}`;
}
