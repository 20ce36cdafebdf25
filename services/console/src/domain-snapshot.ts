import type {
  ComputerView,
  DomainView,
  DriftView,
  InstallationView,
  LambdaView,
  RouterTraffic,
  RouterView,
  TableView,
} from "./domain-view.js";

/** An answer, or why there is none (a one-line reason that never holds a secret). */
export type Reading<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

// The shapes below are what the RPC answers carry (soe.v1 / uiiit.rpc messages satisfy them), so
// assembling a snapshot needs no I/O and no generated code.

export interface ComputerReading {
  readonly endpoint: string;
  readonly containers: readonly { readonly lambda: string }[];
  readonly leaseAgeSeconds: number;
  readonly leaseTtlSeconds: number;
}

export interface RouterReading {
  readonly lambdaEndpoint: string;
  readonly tableEndpoint: string;
  readonly leaseAgeSeconds: number;
  readonly pendingOperations: number;
  readonly failedAttempts: number;
}

export interface LambdaReading {
  readonly name: string;
  readonly computers: readonly string[];
}

export interface TableEntryReading {
  readonly lambda: string;
  readonly destination: string;
  readonly weight: number;
  readonly final: boolean;
}

export interface InstallationReading {
  readonly endpoint: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly leaseAgeSeconds: number;
  readonly leaseTtlSeconds: number;
  readonly lastReconciledUnixMs: number;
  readonly drift: readonly DriftView[];
}

/** Everything read from the domain in one pass. */
export interface DomainReadings {
  readonly takenAtUnixMs: number;
  readonly controllerEndpoint: string;
  readonly computers: Reading<readonly ComputerReading[]>;
  readonly routers: Reading<readonly RouterReading[]>;
  readonly lambdas: Reading<readonly LambdaReading[]>;
  readonly installations: Reading<readonly InstallationReading[]>;
  /** By the router's table end-point: its tables, in the reference's order (0 overall, 1 final). */
  readonly tables: ReadonlyMap<string, Reading<readonly (readonly TableEntryReading[])[]>>;
  /** By the router's lambda end-point. */
  readonly traffic: ReadonlyMap<string, Reading<RouterTraffic>>;
}

export const NOTE_NO_DESTINATION_SERIES =
  "Per-destination rates, latency, errors, ejections and weights: the routers' /metrics carry no series labelled by destination yet (no route installed and no call forwarded, or a router without soe_router_* metrics), so traffic is shown per router.";
export const NOTE_NO_ACTIVATIONS =
  "Recent activations are not shown: the proxy keeps them in its own store, which no read API exposes.";

const TABLE_NAMES = ["overall", "final"];

/** The page's view of the domain from one pass of readings (pure: no I/O, no clock). */
export function assembleDomainView(r: DomainReadings): DomainView {
  const installations = r.installations.ok ? [...r.installations.value] : [];
  const byInstallation = new Map(installations.map((i) => [i.endpoint, i]));

  const computers: ComputerView[] = (r.computers.ok ? [...r.computers.value] : [])
    .sort((a, b) => compare(a.endpoint, b.endpoint))
    .map((c) => {
      const installation = byInstallation.get(c.endpoint);
      return {
        endpoint: c.endpoint,
        leaseAgeSeconds: c.leaseAgeSeconds,
        leaseTtlSeconds: c.leaseTtlSeconds,
        lambdas: [...new Set(c.containers.map((k) => k.lambda))].sort(compare),
        ...(installation === undefined
          ? {}
          : {
              installation: {
                namespace: installation.namespace,
                labels: { ...installation.labels },
              },
            }),
      };
    });

  const routers: RouterView[] = (r.routers.ok ? [...r.routers.value] : [])
    .sort((a, b) => compare(a.lambdaEndpoint, b.lambdaEndpoint))
    .map((router) => {
      const tables = r.tables.get(router.tableEndpoint);
      const traffic = r.traffic.get(router.lambdaEndpoint);
      return {
        lambdaEndpoint: router.lambdaEndpoint,
        tableEndpoint: router.tableEndpoint,
        leaseAgeSeconds: router.leaseAgeSeconds,
        pendingOperations: router.pendingOperations,
        failedAttempts: router.failedAttempts,
        tables: tables?.ok ? tables.value.map(tableView) : [],
        ...(tables === undefined || tables.ok ? {} : { tablesError: tables.error }),
        ...(traffic === undefined
          ? {}
          : traffic.ok
            ? { traffic: traffic.value }
            : { trafficError: traffic.error }),
      };
    });

  const lambdas: LambdaView[] = (r.lambdas.ok ? [...r.lambdas.value] : [])
    .sort((a, b) => compare(a.name, b.name))
    .map((l) => ({
      name: l.name,
      computers: [...l.computers].sort(compare),
      routes: routers.flatMap((router) =>
        router.tables.flatMap((t) =>
          t.rows
            .filter((row) => row.lambda === l.name)
            .map((row) => ({
              router: router.lambdaEndpoint,
              table: t.table,
              destination: row.destination,
              weight: row.weight,
            })),
        ),
      ),
    }));

  const installationViews: InstallationView[] = installations
    .sort((a, b) => compare(a.endpoint, b.endpoint))
    .map((i) => ({ ...i, labels: { ...i.labels }, drift: [...i.drift] }));

  const controllerError = [r.computers, r.routers, r.lambdas].find((x) => !x.ok);
  const notes: string[] = [];
  const traffic = routers.flatMap((router) => (router.traffic ? [router.traffic] : []));
  if (traffic.length > 0 && traffic.every((t) => t.destinations.length === 0)) {
    notes.push(NOTE_NO_DESTINATION_SERIES);
  }
  notes.push(NOTE_NO_ACTIVATIONS);

  return {
    takenAtUnixMs: r.takenAtUnixMs,
    controller: {
      endpoint: r.controllerEndpoint,
      ...(controllerError === undefined || controllerError.ok
        ? {}
        : { error: controllerError.error }),
    },
    routers,
    computers,
    lambdas,
    installations: {
      items: installationViews,
      ...(r.installations.ok ? {} : { error: r.installations.error }),
    },
    notes,
  };
}

function tableView(entries: readonly TableEntryReading[], table: number): TableView {
  return {
    table,
    name: TABLE_NAMES[table] ?? `table ${table}`,
    rows: [...entries]
      .sort((a, b) => compare(a.lambda, b.lambda) || compare(a.destination, b.destination))
      .map((e) => ({
        lambda: e.lambda,
        destination: e.destination,
        weight: e.weight,
        final: e.final,
      })),
  };
}

// Code-unit order, like the reference's std::map and the controller's listings.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
