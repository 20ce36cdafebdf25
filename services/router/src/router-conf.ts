import type { Conf } from "@soe/runtime";

/** What `--router-conf` sets (reference §3.7), read once at start. */
export interface RouterSettings {
  /** Calls in flight at once per destination before new ones wait. */
  readonly maxPendingClients: number;
  /** A uniform delay added before forwarding, seconds (reference's `min/max-forward-time`). */
  readonly forwardDelay: { readonly min: number; readonly max: number };
  /** Answer at once without forwarding (reference's `fake`). */
  readonly fake: boolean;
}

/** Reference §3.7 defaults, except max-pending-clients (2 there, for its thread-per-call pool). */
export const DEFAULT_ROUTER_CONF = "max-pending-clients=100,min-forward-time=0,max-forward-time=0";

/** Throws the Conf's InvalidValue on a value of the wrong type; absent keys take the defaults. */
export function routerSettings(conf: Conf): RouterSettings {
  return {
    maxPendingClients: conf.has("max-pending-clients") ? conf.getUint("max-pending-clients") : 100,
    forwardDelay: {
      min: conf.has("min-forward-time") ? conf.getDouble("min-forward-time") : 0,
      max: conf.has("max-forward-time") ? conf.getDouble("max-forward-time") : 0,
    },
    fake: conf.has("fake") && conf.getBool("fake"),
  };
}
