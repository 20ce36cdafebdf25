import { soev1 } from "@soe/proto";
import type { Logger } from "@soe/runtime";
import type { DesiredState } from "./desired-state.js";
import {
  compareRefs,
  type DesiredEntity,
  type EntityId,
  entityKey,
  formatRef,
  parseDocument,
} from "./domain-entity.js";
import {
  failureReason,
  type InstallationCalls,
  type InstalledRecord,
} from "./installation-calls.js";
import type {
  InstallationRecord,
  InstallationRegistry,
  SavedInstallation,
} from "./installation-registry.js";
import { documentSelector, isPlacedOn } from "./placement.js";
import type { PassResult, Reconciler } from "./reconciler.js";

/** Why a change was refused; the RPC layer maps each to its Code. */
export class DeploymentRefused extends Error {
  override readonly name = "DeploymentRefused";
  constructor(
    readonly reason: "already-exists" | "not-found" | "failed-precondition",
    message: string,
  ) {
    super(message);
  }
}

/** soe.v1.ApplyOutcome. */
export interface ApplyOutcome {
  readonly targeted: number;
  readonly applied: number;
  /** `<endpoint>: <reason>`, never a key. */
  readonly failures: readonly string[];
  readonly routesReady: boolean;
}

export interface DeploymentsOptions {
  readonly desired: DesiredState;
  readonly registry: InstallationRegistry;
  readonly reconciler: Reconciler;
  readonly calls: InstallationCalls;
  readonly logger: Logger;
  /** Unix ms, for updated_unix_ms. */
  readonly unixClock: () => number;
  /** Resolves true once the routers hold every queued route, false after `timeoutMs`. */
  readonly routesSettled: (timeoutMs: number) => Promise<boolean>;
  /** How long a change of an action waits for the routes (default 5 s). */
  readonly routesWaitMs?: number;
  /** Desired state or registrations changed (the state file saves them). */
  readonly onChange: () => void;
  /** An installation renewed its lease unchanged: a shared store tells the other controllers. */
  readonly onRefreshed?: (endpoint: string) => void;
}

export const DEFAULT_ROUTES_WAIT_MS = 5_000;

/**
 * The domain's OpenWhisk entities as one OpenWhisk (DESIGN §9): changes to the desired state,
 * applied through reconciliation passes at the installations serving the namespace (so an
 * installation sees one pass at a time, and one that is unreachable is healed by a later pass),
 * and the registry of installations.
 */
export class Deployments {
  readonly #o: DeploymentsOptions;

  constructor(options: DeploymentsOptions) {
    this.#o = options;
  }

  /** Throws InvalidEntity (document, placement) or DeploymentRefused. */
  async put(
    ref: EntityId,
    document: Uint8Array,
    overwrite: boolean,
  ): Promise<{ entity: DesiredEntity; outcome: ApplyOutcome }> {
    const { desired, logger } = this.#o;
    documentSelector(parseDocument(document));
    if (!overwrite && desired.get(ref) !== undefined) {
      throw new DeploymentRefused("already-exists", `${formatRef(ref)} already exists`);
    }
    if (
      ref.kind === soev1.EntityKind.ACTION &&
      ref.package !== "" &&
      desired.package(ref.namespace, ref.package) === undefined
    ) {
      throw new DeploymentRefused(
        "not-found",
        `package /${ref.namespace}/${ref.package} does not exist in the domain`,
      );
    }
    const { entity, previous } = desired.put(ref, document, this.#o.unixClock());
    this.#o.onChange();
    logger.info(
      { entity: formatRef(ref), version: entity.version, digest: entity.digest },
      `${previous === undefined ? "created" : "updated"} ${formatRef(ref)} ${entity.version}`,
    );
    const targets = this.targets(entity);
    const passes = await this.#passes(ref.namespace);
    const outcome = await this.#outcome(
      ref,
      targets,
      passes,
      (held) => held?.digest === entity.digest,
    );
    return { entity, outcome };
  }

  /** Throws DeploymentRefused when absent, or for a package that still holds desired actions. */
  async delete(ref: EntityId): Promise<{ entity: DesiredEntity; outcome: ApplyOutcome }> {
    const { desired, logger } = this.#o;
    const entity = desired.get(ref);
    if (entity === undefined) {
      throw new DeploymentRefused("not-found", `${formatRef(ref)} does not exist`);
    }
    if (ref.kind === soev1.EntityKind.PACKAGE) {
      const actions = desired.actionsIn(ref.namespace, ref.name);
      if (actions.length > 0) {
        throw new DeploymentRefused(
          "failed-precondition",
          `${formatRef(ref)} still holds ${actions.length} action(s), e.g. ${actions[0]?.ref.name}`,
        );
      }
    }
    const targets = this.targets(entity);
    desired.delete(ref);
    this.#o.onChange();
    logger.info({ entity: formatRef(ref) }, `deleted ${formatRef(ref)}`);
    const passes = await this.#passes(ref.namespace);
    // What the domain did not deploy (no digest) is not its to remove: gone as far as it goes.
    const outcome = await this.#outcome(ref, targets, passes, (held) => !held?.digest);
    return { entity, outcome };
  }

  /** The registered installations an entity is placed on. */
  targets(entity: DesiredEntity): InstallationRecord[] {
    const lookup = (namespace: string, name: string) => this.#o.desired.package(namespace, name);
    return this.#o.registry
      .serving(entity.ref.namespace)
      .filter((installation) => isPlacedOn(entity, installation, lookup));
  }

  /** RegisterInstallation: a new or changed installation is reconciled at once. */
  register(installation: SavedInstallation): void {
    const change = this.#o.registry.register(installation);
    const { endpoint, namespace, labels } = installation;
    if (change === "refreshed") {
      this.#o.logger.debug({ installation: endpoint }, `installation ${endpoint}: lease refreshed`);
      this.#o.onRefreshed?.(endpoint);
      return;
    }
    this.#o.logger.info(
      { installation: endpoint, namespace, labels },
      `installation ${change === "added" ? "registered" : "changed"}: ${endpoint} serving namespace ${namespace}`,
    );
    this.#o.onChange();
    void this.#o.reconciler.reconcile(endpoint);
  }

  unregister(endpoint: string): void {
    if (!this.#o.registry.unregister(endpoint)) return;
    this.#o.reconciler.forget(endpoint);
    this.#o.logger.info({ installation: endpoint }, `installation unregistered: ${endpoint}`);
    this.#o.onChange();
  }

  /** Drops installations whose lease ran out. */
  expire(): void {
    const expired = this.#o.registry.expire();
    for (const { endpoint } of expired) {
      this.#o.reconciler.forget(endpoint);
      this.#o.logger.info({ installation: endpoint }, `installation lease expired: ${endpoint}`);
    }
    if (expired.length > 0) this.#o.onChange();
  }

  /**
   * What the installations serving a namespace hold, asked in parallel: the union by ref (the
   * first installation in end-point order wins), sorted by name. Unreachable ones are skipped.
   */
  async listInstalled(kind: soev1.EntityKind, namespace: string): Promise<InstalledRecord[]> {
    const installations = this.#o.registry.serving(namespace);
    const lists = await Promise.all(
      installations.map((i) =>
        this.#o.calls.list(i.endpoint, kind).catch((err: unknown) => {
          this.#o.logger.debug(
            { installation: i.endpoint, reason: failureReason(err) },
            `listing installation ${i.endpoint} failed: skipped`,
          );
          return [];
        }),
      ),
    );
    const union = new Map<string, InstalledRecord>();
    for (const list of lists) {
      for (const e of list) {
        if (e.ref.namespace !== namespace || e.ref.kind !== kind) continue;
        const key = entityKey(e.ref);
        if (!union.has(key)) union.set(key, e);
      }
    }
    return [...union.values()].sort((a, b) => compareRefs(a.ref, b.ref));
  }

  /** Passes at every installation of the namespace: targets converge, others drop what left them. */
  #passes(namespace: string): Promise<PassResult[]> {
    return Promise.all(
      this.#o.registry.serving(namespace).map((i) => this.#o.reconciler.reconcile(i.endpoint)),
    );
  }

  async #outcome(
    ref: EntityId,
    targets: readonly InstallationRecord[],
    passes: readonly PassResult[],
    done: (held: { digest: string } | undefined) => boolean,
  ): Promise<ApplyOutcome> {
    const key = entityKey(ref);
    const byEndpoint = new Map(passes.map((p) => [p.endpoint, p]));
    const failures: string[] = [];
    let applied = 0;
    for (const { endpoint } of targets) {
      const pass = byEndpoint.get(endpoint);
      const reason =
        pass === undefined
          ? "no pass ran"
          : (pass.failures.get(key) ??
            (pass.reached && done(pass.held.get(key))
              ? undefined
              : (pass.error ?? "not converged in this pass")));
      if (reason === undefined) applied++;
      else failures.push(`${endpoint}: ${reason}`);
    }
    const routesReady =
      ref.kind === soev1.EntityKind.ACTION && applied > 0
        ? await this.#o.routesSettled(this.#o.routesWaitMs ?? DEFAULT_ROUTES_WAIT_MS)
        : false;
    return { targeted: targets.length, applied, failures, routesReady };
  }
}
