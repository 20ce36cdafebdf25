// The snapshot the console sends to the page, as JSON: types only, shared by the server and the
// page's module (src/web), so both halves agree on one shape.

/** A route of a router's table as its `soe_router_table_weight` gauge shows it. */
export interface WeightView {
  /** The reference's numbering: 0 = overall, 1 = final. */
  readonly table: number;
  readonly lambda: string;
  readonly weight: number;
}

/** What a router's `soe_router_*` series say about one destination (issue 14). */
export interface DestinationForwarding {
  /** Forwarded calls per second the destination answered with retcode OK. */
  readonly callsPerSecond: number;
  /** Calls per second it answered with the lambda's own non-OK retcode. */
  readonly lambdaErrorsPerSecond: number;
  /** Calls per second that failed on the way (unavailable, deadline, limiter…). */
  readonly failuresPerSecond: number;
  /** Mean time from the pick to the answer or failure over the interval, ms; null without calls. */
  readonly meanLatencyMs: number | null;
  readonly inFlight: number;
  /** Since the router started. */
  readonly ejections: number;
  readonly ejectionsPerSecond: number;
  /** Outcome (`ok`, `retcode`, a failure's code) → calls since the router started. */
  readonly callsByOutcome: Readonly<Record<string, number>>;
  /** Current routes towards it, by table then lambda; removed routes (weight 0) left out. */
  readonly weights: readonly WeightView[];
}

/** A destination's series, as far as the router exposes them (label `destination`). */
export interface DestinationTraffic {
  readonly destination: string;
  /** Metric name → value: a rate per second for counters (`…/s`), the value otherwise. */
  readonly series: Readonly<Record<string, number>>;
  /** Set when the router exposes the `soe_router_*` per-destination series. */
  readonly forwarding?: DestinationForwarding;
}

/** What a router's `/metrics` says about the lambdas it forwards, between two readings. */
export interface RouterTraffic {
  /** RunLambda calls per second answered with RPC status OK (the lambda's own retcode aside). */
  readonly callsPerSecond: number;
  /** RunLambda calls per second that ended in an RPC error (transport, deadline, auth). */
  readonly errorsPerSecond: number;
  /** Mean RunLambda time over the interval, ms; null without calls in it. */
  readonly meanLatencyMs: number | null;
  readonly totalCalls: number;
  /** RPC status code → calls, since the router started. */
  readonly callsByCode: Readonly<Record<string, number>>;
  readonly openConnections: number;
  /** Empty when the router exposes no per-destination series. */
  readonly destinations: readonly DestinationTraffic[];
}

export interface TableRowView {
  readonly lambda: string;
  readonly destination: string;
  readonly weight: number;
  readonly final: boolean;
}

export interface TableView {
  /** The reference's numbering: 0 = overall, 1 = final. */
  readonly table: number;
  readonly name: string;
  readonly rows: readonly TableRowView[];
}

export interface RouterView {
  readonly lambdaEndpoint: string;
  readonly tableEndpoint: string;
  readonly leaseAgeSeconds: number;
  readonly pendingOperations: number;
  readonly failedAttempts: number;
  readonly tables: readonly TableView[];
  readonly tablesError?: string;
  readonly traffic?: RouterTraffic;
  readonly trafficError?: string;
}

export interface InstallationRef {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ComputerView {
  readonly endpoint: string;
  readonly leaseAgeSeconds: number;
  /** 0 = never expires. */
  readonly leaseTtlSeconds: number;
  /** Lambdas its containers offer, sorted, once each. */
  readonly lambdas: readonly string[];
  /** Set when the computer is a wsk-computer registered as an OpenWhisk installation. */
  readonly installation?: InstallationRef;
}

export interface RouteView {
  /** The router's lambda end-point. */
  readonly router: string;
  readonly table: number;
  readonly destination: string;
  readonly weight: number;
}

export interface LambdaView {
  readonly name: string;
  /** Computers offering it, as the controller has them. */
  readonly computers: readonly string[];
  /** Where each router sends it, with the weights. */
  readonly routes: readonly RouteView[];
}

export interface DriftView {
  /** `action /ns/pkg/name`, `package /ns/name`. */
  readonly entity: string;
  /** `missing`, `stale`, `orphaned`, `failed`. */
  readonly state: string;
  readonly detail: string;
}

export interface InstallationView extends InstallationRef {
  readonly endpoint: string;
  readonly leaseAgeSeconds: number;
  readonly leaseTtlSeconds: number;
  /** Unix ms of the last reconciliation that reached it; 0 = never. */
  readonly lastReconciledUnixMs: number;
  readonly drift: readonly DriftView[];
}

export interface DomainView {
  readonly takenAtUnixMs: number;
  readonly controller: { readonly endpoint: string; readonly error?: string };
  readonly routers: readonly RouterView[];
  readonly computers: readonly ComputerView[];
  readonly lambdas: readonly LambdaView[];
  readonly installations: {
    readonly items: readonly InstallationView[];
    readonly error?: string;
  };
  /** What the console cannot show, and why (one line each). */
  readonly notes: readonly string[];
}
