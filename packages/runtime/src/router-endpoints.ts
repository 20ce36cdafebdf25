import type { Logger } from "./logger.js";
import { FailoverTransport, moveOnNotSent, parseEndpointList } from "./failover-transport.js";
import { type ClientOptions, createTransport, type EndpointTransport } from "./transports.js";

/**
 * `--server-endpoint a,b` of the proxy (issue 13): the routers (or computers) invocations go to,
 * any of which serves them. Throws with the offending member named; at least one is required.
 */
export function parseRouterEndpoints(text: string): string[] {
  const list = parseEndpointList(text);
  if (list.length === 0) throw new Error("no router end-point");
  return list;
}

/**
 * The data-path transport to `--server-endpoint a,b`: one end-point gives the plain transport
 * (nothing added to the hot path); several give a FailoverTransport that stays on one router
 * and moves on only when a request provably never reached it, retrying that request on the
 * next. A call that may have reached a router that died fails as before: it may have run.
 */
export function createRouterTransport(
  endpoints: string | readonly string[],
  options: ClientOptions & { readonly logger?: Logger } = {},
): EndpointTransport {
  const list = typeof endpoints === "string" ? parseRouterEndpoints(endpoints) : endpoints;
  const { logger, ...clientOptions } = options;
  const [only] = list;
  if (only !== undefined && list.length === 1) return createTransport(only, clientOptions);
  // Opened up front: a call costs one map read and one more async frame, nothing else.
  const transports = list.map((endpoint) => createTransport(endpoint, clientOptions));
  const byEndpoint = new Map(list.map((endpoint, i) => [endpoint, transports[i]]));
  return new FailoverTransport({
    endpoints: list,
    role: "router",
    moveOn: moveOnNotSent,
    transportOf: (endpoint) => byEndpoint.get(endpoint) as EndpointTransport,
    ...(logger === undefined ? {} : { logger }),
    close: () => {
      for (const transport of transports) transport.close();
    },
  });
}
