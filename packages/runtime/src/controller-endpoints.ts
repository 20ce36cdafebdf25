import type { Logger } from "./logger.js";
import {
  type EndpointSwitchListener,
  FailoverTransport,
  moveOnUnanswered,
  parseEndpointList,
} from "./failover-transport.js";
import { type ClientOptions, createTransport, type EndpointTransport } from "./transports.js";

// The transport itself is general (routers use it too): see failover-transport.ts.
export { FailoverTransport } from "./failover-transport.js";

/**
 * `--controller-endpoint a,b,c` (issue 13): the controllers of a domain, any of which takes
 * announcements and answers reads. Throws with the offending member named; empty gives none.
 */
export function parseControllerEndpoints(text: string): string[] {
  return parseEndpointList(text);
}

/** Told when calls move on to another controller, for logs. */
export type ControllerSwitchListener = EndpointSwitchListener;

/**
 * A transport to the controllers of `--controller-endpoint a,b,c`, a session each, opened as
 * needed and closed with it: calls move on when a controller does not answer (unavailable, or
 * out of time); control calls are retried by their callers, who know whether that is safe. One
 * end-point gives the same behaviour as before, through one more indirection.
 */
export function createControllerTransport(
  endpoints: string | readonly string[],
  options: ClientOptions & {
    readonly onSwitch?: ControllerSwitchListener;
    readonly logger?: Logger;
  } = {},
): FailoverTransport {
  const list = typeof endpoints === "string" ? parseControllerEndpoints(endpoints) : endpoints;
  const { onSwitch, logger, ...clientOptions } = options;
  const opened = new Map<string, EndpointTransport>();
  return new FailoverTransport({
    endpoints: list,
    role: "controller",
    moveOn: moveOnUnanswered,
    transportOf: (endpoint) => {
      let transport = opened.get(endpoint);
      if (transport === undefined) {
        transport = createTransport(endpoint, clientOptions);
        opened.set(endpoint, transport);
      }
      return transport;
    },
    ...(onSwitch === undefined ? {} : { onSwitch }),
    ...(logger === undefined ? {} : { logger }),
    close: () => {
      for (const transport of opened.values()) transport.close();
      opened.clear();
    },
  });
}
