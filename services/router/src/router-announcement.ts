import { advertisedEndpoint, parseEndpoint } from "@soe/runtime";

/** What a router tells the controller about itself (`AnnounceRouter`). */
export interface RouterAnnouncement {
  readonly edgeServerEndpoint: string;
  readonly forwardingTableEndpoint: string;
  readonly bootId: string;
}

export interface BoundRouter {
  /** `--advertise`: a host, or host:port naming the lambda end-point; undefined = the bound ones. */
  readonly advertise: string | undefined;
  /** Lambda end-point as bound. */
  readonly lambdaEndpoint: string;
  /** Table end-point as bound (the lambda one when both share a port). */
  readonly tableEndpoint: string;
  readonly bootId: string;
}

/**
 * The announced end-points: `--advertise host:port` names the lambda end-point; a table
 * end-point of its own keeps its bound port under the advertised host.
 */
export function routerAnnouncement(bound: BoundRouter): RouterAnnouncement {
  const shared = bound.lambdaEndpoint === bound.tableEndpoint;
  const edgeServerEndpoint = advertisedEndpoint(bound.advertise, bound.lambdaEndpoint);
  const forwardingTableEndpoint =
    shared || !bound.advertise
      ? advertisedEndpoint(bound.advertise, bound.tableEndpoint)
      : advertisedEndpoint(parseEndpoint(edgeServerEndpoint).host, bound.tableEndpoint);
  return { edgeServerEndpoint, forwardingTableEndpoint, bootId: bound.bootId };
}
