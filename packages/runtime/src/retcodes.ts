/**
 * The retcodes every edge node may put in `LambdaResponse.retcode` itself, whatever ran the
 * lambda (reference §1.2, §3.3): "OK" on success, and a router's texts when it cannot forward.
 * Routers write them and proxies read them, so both take them from here instead of matching
 * text they each declare. A lambda's own failure texts (an edgecomputerwsk's `wsk:…` grammar)
 * belong to what ran it, not here.
 */

/** The only success retcode, as in the reference. */
export const RETCODE_OK = "OK";

/** A router without an entry (or a destination) for the lambda (reference §3.1 NoDestinations). */
export const NO_DESTINATIONS = "No destinations found for the entry";

/** A router that saw the request cross more hops than any tree can have (reference §3.3). */
export const LOOP_DETECTED = "loop detected";

const ALL_UNREACHABLE = / destination\(s\) of '.*' are unreachable$/s;

/**
 * A router whose every destination of the lambda is ejected as unreachable: the NoDestinations
 * text (what reference peers match on) followed by why, so a proxy can tell "nothing offers it"
 * from "what offers it is down".
 */
export function allUnreachableRetcode(noDestinations: string, ejected: number, lambda: string) {
  return `${noDestinations}: all ${ejected} destination(s) of '${lambda}' are unreachable`;
}

/** What a router's retcode says; undefined for anything a router does not write. */
export type RouterRetcode =
  | { readonly kind: "no-destinations"; readonly allUnreachable: boolean }
  | { readonly kind: "loop-detected" };

export function parseRouterRetcode(retcode: string): RouterRetcode | undefined {
  if (retcode === LOOP_DETECTED) return { kind: "loop-detected" };
  if (!retcode.startsWith(NO_DESTINATIONS)) return undefined;
  return { kind: "no-destinations", allUnreachable: ALL_UNREACHABLE.test(retcode) };
}
