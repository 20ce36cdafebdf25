/** What is known of one HTTP/2 session, for deciding whether it is still alive. */
export interface SessionActivity {
  /** When the peer was last heard from: a stream started or ended, a PING answered (ms). */
  readonly lastHeardAt: number;
  /** When a liveness PING went out without its ACK yet, if one did. */
  readonly pingSentAt: number | undefined;
}

export type LivenessAction = "none" | "ping" | "destroy";

/**
 * Whether to PING, or give up on, a session that has been quiet for `quietMs`. Node 20's HTTP/2
 * server stops reading a session once nghttp2 ends it for a protocol error (a DATA frame on an
 * idle stream, say) and never notices the peer leave: the session, its socket and its file
 * descriptor stayed for ever (Node 22 closes them). A quiet session is therefore asked for a
 * PING, which every live peer's HTTP/2 layer answers at once; one that does not answer within
 * `quietMs` is destroyed. Open streams do not exempt a session: a dead one never closes them,
 * and a live one answers the PING whatever it is streaming.
 */
export function livenessAction(
  activity: SessionActivity,
  now: number,
  quietMs: number,
): LivenessAction {
  if (activity.pingSentAt !== undefined) {
    return now - activity.pingSentAt >= quietMs ? "destroy" : "none";
  }
  return now - activity.lastHeardAt >= quietMs ? "ping" : "none";
}
