import { soev1 } from "@soe/proto";
import {
  type Logger,
  type MetricsRegistry,
  type PeriodicTask,
  type Scheduler,
  startPeriodicTask,
} from "@soe/runtime";
import { Code, ConnectError } from "@connectrpc/connect";
import type { DesiredState } from "./desired-state.js";
import { type EntityId, entityKey, formatRef } from "./domain-entity.js";
import { failureReason, type InstallationCalls } from "./installation-calls.js";
import type { InstallationRecord, InstallationRegistry } from "./installation-registry.js";
import {
  type DriftKind,
  type InstalledRef,
  planReconcile,
  type ReconcileStep,
} from "./reconcile-plan.js";

export const DEFAULT_RECONCILE_INTERVAL_MS = 10_000;

export interface ReconcilerOptions {
  readonly desired: DesiredState;
  readonly registry: InstallationRegistry;
  readonly calls: InstallationCalls;
  readonly logger: Logger;
  /** Wall clock, Unix ms (last_reconciled_unix_ms). */
  readonly unixClock: () => number;
  /** Between two passes over every installation, ms (default 10 s). */
  readonly intervalMs?: number;
  /** Drift and pass counts go here when given. */
  readonly metrics?: MetricsRegistry;
  readonly schedule?: Scheduler;
}

/** What one pass did at one installation. */
export interface PassResult {
  readonly endpoint: string;
  /** Whether the pass read what the installation holds (then `held` is what it holds after). */
  readonly reached: boolean;
  /** Why the pass could not read the installation or stopped early; undefined when it went through. */
  readonly error: string | undefined;
  /** Entity key → why its step failed. */
  readonly failures: ReadonlyMap<string, string>;
  /** What the installation holds after the pass, by entity key. */
  readonly held: ReadonlyMap<string, InstalledRef>;
}

/** A difference of an installation from the desired state; no ref when the installation itself failed. */
export interface InstallationDrift {
  readonly ref: EntityId | undefined;
  readonly state: DriftKind;
  readonly detail: string;
}

export interface InstallationStatus {
  /** Unix ms of the last pass that reached it; 0 = never. */
  readonly lastReconciledUnixMs: number;
  readonly drift: readonly InstallationDrift[];
}

/** Per installation: what it was last seen holding, and the passes. */
interface Tracked {
  held: Map<string, InstalledRef> | undefined;
  failures: Map<string, string>;
  error: string | undefined;
  lastReconciledUnixMs: number;
  failingPasses: number;
  running: Promise<PassResult> | undefined;
  next: Promise<PassResult> | undefined;
}

// Transport failures end a pass: the next steps would only wait for the same deadline.
const UNREACHABLE = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Canceled,
  Code.Unauthenticated,
]);

/**
 * Converges every registered installation to the desired state (DESIGN §9): a pass lists what an
 * installation holds, plans (planReconcile) and runs the steps in order. Passes run every
 * interval, at once for an installation that registers, and on demand after each change; one at
 * a time per installation (a request during a pass gets the pass after it). Failures are kept as
 * FAILED drift with their reason and logged as an installation starts failing, then sparingly.
 */
export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #tracked = new Map<string, Tracked>();
  readonly #passes;
  readonly #driftShown = new Set<string>();
  #periodic: PeriodicTask | undefined;
  #stopped = false;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    const metrics = options.metrics;
    this.#passes = metrics?.counter(
      "soe_controller_reconcile_passes_total",
      "Reconciliation passes at an installation, by outcome (ok, failed).",
      ["installation", "outcome"],
    );
    const drift = metrics?.gauge(
      "soe_controller_installation_drift",
      "Differences of an installation from the desired state, as of its last pass.",
      ["installation"],
    );
    metrics?.collect(() => {
      const shown = new Set<string>();
      for (const installation of options.registry.list()) {
        shown.add(installation.endpoint);
        drift?.set(
          { installation: installation.endpoint },
          this.status(installation.endpoint).drift.length,
        );
      }
      for (const gone of this.#driftShown)
        if (!shown.has(gone)) drift?.remove({ installation: gone });
      this.#driftShown.clear();
      for (const s of shown) this.#driftShown.add(s);
    });
  }

  /** Starts the periodic passes; the first runs now (a restarted controller converges at once). */
  start(): void {
    const intervalMs = this.#options.intervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
    this.#periodic = startPeriodicTask(async () => void (await this.reconcileAll()), {
      periodMs: intervalMs,
      backoff: { initialMs: intervalMs, maxMs: intervalMs },
      ...(this.#options.schedule === undefined ? {} : { schedule: this.#options.schedule }),
    });
  }

  /** A pass over every registered installation, in parallel. */
  reconcileAll(): Promise<PassResult[]> {
    return Promise.all(this.#options.registry.list().map((i) => this.reconcile(i.endpoint)));
  }

  /** A pass at one installation that starts after this call; never rejects. */
  reconcile(endpoint: string): Promise<PassResult> {
    const tracked = this.#track(endpoint);
    if (tracked.next !== undefined) return tracked.next;
    if (tracked.running === undefined) return this.#start(endpoint, tracked);
    const next = tracked.running.then(() => {
      tracked.next = undefined;
      return this.#start(endpoint, tracked);
    });
    tracked.next = next;
    return next;
  }

  /** The installation left (unregistered, lease expired): what was known of it goes. */
  forget(endpoint: string): void {
    this.#tracked.delete(endpoint);
  }

  status(endpoint: string): InstallationStatus {
    const tracked = this.#tracked.get(endpoint);
    const installation = this.#options.registry.get(endpoint);
    if (tracked === undefined || installation === undefined) {
      return { lastReconciledUnixMs: 0, drift: [] };
    }
    const drift: InstallationDrift[] = [];
    if (tracked.error !== undefined)
      drift.push({ ref: undefined, state: "failed", detail: tracked.error });
    if (tracked.held !== undefined) {
      for (const d of this.#plan(installation, tracked.held).drift) {
        const failure = tracked.failures.get(entityKey(d.ref));
        drift.push(failure === undefined ? d : { ref: d.ref, state: "failed", detail: failure });
      }
    }
    return { lastReconciledUnixMs: tracked.lastReconciledUnixMs, drift };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#periodic?.stop();
    await Promise.all([...this.#tracked.values()].map((t) => t.next ?? t.running));
  }

  #track(endpoint: string): Tracked {
    let tracked = this.#tracked.get(endpoint);
    if (tracked === undefined) {
      tracked = {
        held: undefined,
        failures: new Map(),
        error: undefined,
        lastReconciledUnixMs: 0,
        failingPasses: 0,
        running: undefined,
        next: undefined,
      };
      this.#tracked.set(endpoint, tracked);
    }
    return tracked;
  }

  #start(endpoint: string, tracked: Tracked): Promise<PassResult> {
    const running = this.#pass(endpoint, tracked).finally(() => {
      if (tracked.running === running) tracked.running = undefined;
    });
    tracked.running = running;
    return running;
  }

  #plan(installation: InstallationRecord, held: ReadonlyMap<string, InstalledRef>) {
    return planReconcile({
      desired: this.#options.desired.entities(),
      installation,
      installed: [...held.values()],
    });
  }

  async #pass(endpoint: string, tracked: Tracked): Promise<PassResult> {
    const installation = this.#options.registry.get(endpoint);
    const failures = new Map<string, string>();
    if (installation === undefined || this.#stopped) {
      return { endpoint, reached: false, error: "not registered", failures, held: new Map() };
    }
    const { calls, logger } = this.#options;
    let error: string | undefined;
    let held: Map<string, InstalledRef> | undefined;
    try {
      const [actions, packages] = await Promise.all([
        calls.list(endpoint, soev1.EntityKind.ACTION),
        calls.list(endpoint, soev1.EntityKind.PACKAGE),
      ]);
      held = new Map(
        [...actions, ...packages].map((e) => [entityKey(e.ref), { ref: e.ref, digest: e.digest }]),
      );
    } catch (err) {
      error = `cannot list its entities: ${failureReason(err)}`;
    }
    if (held !== undefined) {
      for (const step of this.#plan(installation, held).steps) {
        if (this.#stopped || this.#options.registry.get(endpoint) === undefined) break;
        try {
          await this.#run(endpoint, step, held);
        } catch (err) {
          const reason = failureReason(err);
          failures.set(entityKey(stepRef(step)), reason);
          if (err instanceof ConnectError && UNREACHABLE.has(err.code)) {
            error = `stopped after ${formatRef(stepRef(step))}: ${reason}`;
            break;
          }
        }
      }
      tracked.held = held;
      tracked.lastReconciledUnixMs = this.#options.unixClock();
    }
    tracked.failures = failures;
    tracked.error = error;
    const failed = error !== undefined || failures.size > 0;
    this.#passes?.inc({ installation: endpoint, outcome: failed ? "failed" : "ok" });
    if (failed) {
      tracked.failingPasses++;
      // As it starts failing, then at powers of two: an installation down for hours logs a handful.
      const n = tracked.failingPasses;
      const level = (n & (n - 1)) === 0 ? "warn" : "debug";
      const [first] = failures;
      logger[level](
        { installation: endpoint, failingPasses: n, failedSteps: failures.size },
        `could not reconcile the installation at ${endpoint}: ${error ?? `${formatKey(first?.[0])}: ${first?.[1]}`}`,
      );
    } else if (tracked.failingPasses > 0) {
      logger.info(
        { installation: endpoint, failingPasses: tracked.failingPasses },
        `installation at ${endpoint} reconciled again`,
      );
      tracked.failingPasses = 0;
    }
    return { endpoint, reached: held !== undefined, error, failures, held: held ?? new Map() };
  }

  async #run(
    endpoint: string,
    step: ReconcileStep,
    held: Map<string, InstalledRef>,
  ): Promise<void> {
    const { calls, logger } = this.#options;
    if (step.op === "apply") {
      const { entity } = step;
      const version = await calls.apply(endpoint, entity);
      held.set(entityKey(entity.ref), { ref: entity.ref, digest: entity.digest });
      logger.info(
        { installation: endpoint, entity: formatRef(entity.ref), version, drift: step.drift.state },
        `applied ${formatRef(entity.ref)} ${entity.version} at ${endpoint} (${step.drift.detail})`,
      );
    } else {
      const existed = await calls.remove(endpoint, step.ref);
      held.delete(entityKey(step.ref));
      logger.info(
        { installation: endpoint, entity: formatRef(step.ref), existed },
        `removed ${formatRef(step.ref)} at ${endpoint} (${step.drift.detail})`,
      );
    }
  }
}

function stepRef(step: ReconcileStep): EntityId {
  return step.op === "apply" ? step.entity.ref : step.ref;
}

function formatKey(key: string | undefined): string {
  if (key === undefined) return "";
  const [kind, namespace, pkg, name] = key.split("\n");
  return formatRef({
    kind: Number(kind),
    namespace: namespace ?? "",
    package: pkg ?? "",
    name: name ?? "",
  });
}
