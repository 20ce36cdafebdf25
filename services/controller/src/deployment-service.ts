import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import { parseEndpoint } from "@soe/runtime";
import type { DesiredState } from "./desired-state.js";
import { type DesiredEntity, type EntityId, formatRef, InvalidEntity } from "./domain-entity.js";
import { fromRef, toEntity, toRef } from "./installation-calls.js";
import type { InstallationRegistry } from "./installation-registry.js";
import { type ApplyOutcome, DeploymentRefused, type Deployments } from "./deployments.js";
import type { InstallationDrift, Reconciler } from "./reconciler.js";

export interface DeploymentServiceOptions {
  readonly deployments: Deployments;
  readonly desired: DesiredState;
  readonly registry: InstallationRegistry;
  readonly reconciler: Reconciler;
  /** ms, the controller's monotonic clock (lease ages). */
  readonly clock: () => number;
}

const { ACTION, PACKAGE, TRIGGER, RULE } = soev1.EntityKind;
const DEPLOYABLE = [ACTION, PACKAGE];

/**
 * `soe.v1.DeploymentService` (DESIGN §9): thin handlers that validate, call Deployments and map
 * its refusals to codes. Every RPC needs the control-plane token (documents hold parameters,
 * which may be secrets); the server's interceptor enforces it.
 */
export function deploymentService(
  options: DeploymentServiceOptions,
): ServiceImpl<typeof soev1.DeploymentService> {
  const { deployments, desired, registry, reconciler, clock } = options;
  return {
    async putEntity(req) {
      const ref = validRef(req.entity?.ref, DEPLOYABLE);
      const result = await refusing(() =>
        deployments.put(ref, req.entity?.document ?? new Uint8Array(), req.overwrite),
      );
      return { entity: toEntity(result.entity), outcome: toOutcome(result.outcome) };
    },
    getEntity(req) {
      const ref = validRef(req.ref, DEPLOYABLE);
      const entity = desired.get(ref);
      if (entity === undefined)
        throw new ConnectError(`${formatRef(ref)} does not exist`, Code.NotFound);
      return { entity: toEntity(entity) };
    },
    async deleteEntity(req) {
      const ref = validRef(req.ref, DEPLOYABLE);
      const result = await refusing(() => deployments.delete(ref));
      return { entity: toEntity(result.entity), outcome: toOutcome(result.outcome) };
    },
    listEntities(req) {
      validKind(req.kind, [ACTION, PACKAGE, TRIGGER, RULE]);
      const namespace = validNamespace(req.namespace);
      if (req.kind !== ACTION && req.package !== "") {
        throw new ConnectError("package filters actions only", Code.InvalidArgument);
      }
      const pkg = req.kind === ACTION && req.package !== "" ? req.package : undefined;
      // Triggers and rules are never deployed: the desired state holds none.
      const entities: DesiredEntity[] = DEPLOYABLE.includes(req.kind)
        ? desired.list(req.kind, namespace, pkg)
        : [];
      return { entities: entities.map(toEntity) };
    },
    async listInstalledEntities(req) {
      validKind(req.kind, [ACTION, PACKAGE, TRIGGER, RULE]);
      const namespace = validNamespace(req.namespace);
      const entities = await deployments.listInstalled(req.kind, namespace);
      return {
        entities: entities.map((e) =>
          create(soev1.InstalledEntitySchema, {
            ref: toRef(e.ref),
            digest: e.digest,
            version: e.version,
            summary: e.summary,
          }),
        ),
      };
    },
    registerInstallation(req) {
      validEndpoint(req.endpoint);
      deployments.register({
        endpoint: req.endpoint,
        namespace: validNamespace(req.namespace),
        labels: { ...req.labels },
        leaseTtlMs: req.leaseTtlMs,
      });
      return {};
    },
    unregisterInstallation(req) {
      if (req.endpoint === "") throw new ConnectError("endpoint is empty", Code.InvalidArgument);
      deployments.unregister(req.endpoint);
      return {};
    },
    listInstallations() {
      return {
        installations: registry.list().map((i) => {
          const status = reconciler.status(i.endpoint);
          return create(soev1.InstallationSchema, {
            endpoint: i.endpoint,
            namespace: i.namespace,
            labels: { ...i.labels },
            leaseAgeSeconds: Math.max(0, clock() - i.refreshedAt) / 1000,
            leaseTtlSeconds: i.leaseTtlMs / 1000,
            lastReconciledUnixMs: BigInt(status.lastReconciledUnixMs),
            drift: status.drift.map(toDrift),
          });
        }),
      };
    },
  };
}

async function refusing<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (err) {
    if (err instanceof InvalidEntity) throw new ConnectError(err.message, Code.InvalidArgument);
    if (err instanceof DeploymentRefused) {
      const code = {
        "already-exists": Code.AlreadyExists,
        "not-found": Code.NotFound,
        "failed-precondition": Code.FailedPrecondition,
      }[err.reason];
      throw new ConnectError(err.message, code);
    }
    throw err;
  }
}

function validKind(kind: soev1.EntityKind, allowed: readonly soev1.EntityKind[]): void {
  if (!allowed.includes(kind)) {
    const names = allowed.map((k) => soev1.EntityKind[k]).join(", ");
    throw new ConnectError(`kind must be one of ${names}`, Code.InvalidArgument);
  }
}

function validNamespace(namespace: string): string {
  if (namespace === "" || namespace === "_") {
    throw new ConnectError(
      `namespace must be resolved (got ${JSON.stringify(namespace)})`,
      Code.InvalidArgument,
    );
  }
  return namespace;
}

function validRef(ref: soev1.EntityRef | undefined, kinds: readonly soev1.EntityKind[]): EntityId {
  if (ref === undefined) throw new ConnectError("ref is required", Code.InvalidArgument);
  validKind(ref.kind, kinds);
  validNamespace(ref.namespace);
  if (ref.name === "") throw new ConnectError("name is empty", Code.InvalidArgument);
  if (ref.kind !== ACTION && ref.package !== "") {
    throw new ConnectError("only actions are in packages", Code.InvalidArgument);
  }
  return fromRef(ref);
}

// The reconciler dials it: an unusable end-point is refused here, by the peer that sent it.
function validEndpoint(endpoint: string): void {
  try {
    parseEndpoint(endpoint);
  } catch {
    throw new ConnectError(
      `endpoint ${JSON.stringify(endpoint)} is not a host:port end-point`,
      Code.InvalidArgument,
    );
  }
}

function toOutcome(outcome: ApplyOutcome): soev1.ApplyOutcome {
  return create(soev1.ApplyOutcomeSchema, { ...outcome, failures: [...outcome.failures] });
}

const DRIFT_STATES = {
  missing: soev1.DriftState.MISSING,
  stale: soev1.DriftState.STALE,
  orphaned: soev1.DriftState.ORPHANED,
  failed: soev1.DriftState.FAILED,
} as const;

function toDrift(drift: InstallationDrift): soev1.Drift {
  return create(soev1.DriftSchema, {
    ...(drift.ref === undefined ? {} : { ref: toRef(drift.ref) }),
    state: DRIFT_STATES[drift.state],
    detail: drift.detail,
  });
}
