import { type Client, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeRouter, soev1 } from "@soe/proto";
import {
  codeLabel,
  createControllerTransport,
  type EndpointTransport,
  TransportPool,
} from "@soe/runtime";
import type {
  DomainReadings,
  InstallationReading,
  Reading,
  TableEntryReading,
} from "./domain-snapshot.js";
import type { DriftView, RouterTraffic } from "./domain-view.js";
import { parsePrometheusText } from "./prometheus-text.js";
import { type MetricsReading, routerTraffic } from "./router-traffic.js";

export interface DomainReaderOptions {
  /** The controller's end-point (`soe.v1.ControllerQueryService`, `DeploymentService`). */
  readonly controllerEndpoint: string;
  /** Control-plane token, sent to the controller alone (ListInstallations needs it). */
  readonly token?: string;
  /** Deadline of each call and each `/metrics` read, ms. */
  readonly timeoutMs: number;
  /** ms, monotonic: the interval between two `/metrics` readings. */
  readonly clock: () => number;
  /** Unix ms, the snapshot's time. */
  readonly unixClock: () => number;
  /** Largest `/metrics` body read, bytes (default 4 MiB). */
  readonly maxMetricsBytes?: number;
}

const DRIFT_STATES: Record<number, string> = {
  [soev1.DriftState.MISSING]: "missing",
  [soev1.DriftState.STALE]: "stale",
  [soev1.DriftState.ORPHANED]: "orphaned",
  [soev1.DriftState.FAILED]: "failed",
};
const ENTITY_KINDS: Record<number, string> = {
  [soev1.EntityKind.ACTION]: "action",
  [soev1.EntityKind.PACKAGE]: "package",
  [soev1.EntityKind.TRIGGER]: "trigger",
  [soev1.EntityKind.RULE]: "rule",
};

/**
 * Reads the domain through what it already exposes, changing nothing: the controller's read API
 * and installation registry, each router's tables (`uiiit.rpc.EdgeRouter`, unauthenticated
 * reads) and `/metrics` on its lambda port. Every source is read at once and fails alone.
 */
export class DomainReader {
  readonly #options: DomainReaderOptions;
  readonly #controller: EndpointTransport;
  readonly #query: Client<typeof soev1.ControllerQueryService>;
  readonly #deployments: Client<typeof soev1.DeploymentService>;
  // Routers get no token: table reads need none, and a router is no place to send it.
  readonly #routers: TransportPool;
  /** The last `/metrics` reading of each router (by lambda end-point), for rates. */
  #metrics = new Map<string, MetricsReading>();

  constructor(options: DomainReaderOptions) {
    this.#options = options;
    // --controller-endpoint a,b,c (issue 13): the first controller that answers.
    this.#controller = createControllerTransport(options.controllerEndpoint, {
      defaultTimeoutMs: options.timeoutMs,
      ...(options.token ? { token: options.token } : {}),
    });
    this.#query = createClient(soev1.ControllerQueryService, this.#controller);
    this.#deployments = createClient(soev1.DeploymentService, this.#controller);
    this.#routers = new TransportPool({ defaultTimeoutMs: options.timeoutMs });
  }

  async read(): Promise<DomainReadings> {
    const takenAtUnixMs = this.#options.unixClock();
    const [computers, routers, lambdas, installations] = await Promise.all([
      attempt(async () => (await this.#query.listComputers({})).computers),
      attempt(async () => (await this.#query.listRouters({})).routers),
      attempt(async () => (await this.#query.listLambdas({})).lambdas),
      attempt(async () =>
        (await this.#deployments.listInstallations({})).installations.map(installationReading),
      ),
    ]);
    const known = routers.ok ? routers.value : [];
    const [tables, traffic] = await Promise.all([
      Promise.all(
        known.map(
          async (r) =>
            [r.tableEndpoint, await attempt(() => this.#tables(r.tableEndpoint))] as const,
        ),
      ),
      Promise.all(
        known.map(
          async (r) =>
            [r.lambdaEndpoint, await attempt(() => this.#traffic(r.lambdaEndpoint))] as const,
        ),
      ),
    ]);
    // Forget routers that left, and their sessions.
    const present = new Set(known.map((r) => r.lambdaEndpoint));
    for (const endpoint of this.#metrics.keys()) {
      if (!present.has(endpoint)) this.#metrics.delete(endpoint);
    }
    const tableEndpoints = new Set(known.map((r) => r.tableEndpoint));
    for (const endpoint of this.#tableEndpoints) {
      if (!tableEndpoints.has(endpoint)) this.#routers.delete(endpoint);
    }
    this.#tableEndpoints = tableEndpoints;
    return {
      takenAtUnixMs,
      controllerEndpoint: this.#options.controllerEndpoint,
      computers,
      routers,
      lambdas,
      installations,
      tables: new Map(tables),
      traffic: new Map(traffic),
    };
  }

  close(): void {
    this.#controller.close();
    this.#routers.close();
  }

  #tableEndpoints = new Set<string>();

  async #tables(tableEndpoint: string): Promise<TableEntryReading[][]> {
    const router = createClient(EdgeRouter, this.#routers.get(tableEndpoint));
    const { value: count } = await router.getNumTables({});
    return Promise.all(
      Array.from(
        { length: count },
        async (_, table) => (await router.getTable({ value: table })).entries,
      ),
    );
  }

  async #traffic(lambdaEndpoint: string): Promise<RouterTraffic> {
    const response = await fetch(`http://${lambdaEndpoint}/metrics`, {
      signal: AbortSignal.timeout(this.#options.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`/metrics answered HTTP ${response.status}`);
    }
    const text = await boundedText(response, this.#options.maxMetricsBytes ?? 4 * 1024 * 1024);
    const current = { atMs: this.#options.clock(), samples: parsePrometheusText(text).samples };
    const previous = this.#metrics.get(lambdaEndpoint);
    this.#metrics.set(lambdaEndpoint, current);
    return routerTraffic(current, previous);
  }
}

function installationReading(i: soev1.Installation): InstallationReading {
  return {
    endpoint: i.endpoint,
    namespace: i.namespace,
    labels: { ...i.labels },
    leaseAgeSeconds: i.leaseAgeSeconds,
    leaseTtlSeconds: i.leaseTtlSeconds,
    lastReconciledUnixMs: Number(i.lastReconciledUnixMs),
    drift: i.drift.map(driftView),
  };
}

function driftView(d: soev1.Drift): DriftView {
  const ref = d.ref;
  const name =
    ref === undefined
      ? "?"
      : `${ENTITY_KINDS[ref.kind] ?? "entity"} /${ref.namespace}/${ref.package ? `${ref.package}/` : ""}${ref.name}`;
  return { entity: name, state: DRIFT_STATES[d.state] ?? "unspecified", detail: d.detail };
}

/** Runs `read`, turning a failure into a one-line reason (an RPC code and message, or an error's). */
async function attempt<T>(read: () => Promise<T>): Promise<Reading<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return { ok: false, error: reason(err) };
  }
}

function reason(err: unknown): string {
  if (err instanceof ConnectError) return `${codeLabel(err.code)}: ${err.rawMessage}`;
  if (err instanceof Error) {
    if (err.name === "TimeoutError") return "timed out";
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

async function boundedText(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`/metrics is larger than ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
}
