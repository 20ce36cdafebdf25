import { create } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import type { TransportPool } from "@soe/runtime";
import type { DesiredEntity, EntityId } from "./domain-entity.js";
import type { InstalledRef } from "./reconcile-plan.js";

/** What an installation lists: the ref and digest the planner needs, and what listings show. */
export interface InstalledRecord extends InstalledRef {
  readonly version: string;
  /** OpenWhisk's listing entry (JSON). */
  readonly summary: Uint8Array;
}

/**
 * The soe.v1.InstallationService calls the controller makes, in domain terms. Injected into the
 * reconciler, so its passes are tested without a network. Every call rejects on failure.
 */
export interface InstallationCalls {
  list(endpoint: string, kind: soev1.EntityKind): Promise<InstalledRecord[]>;
  /** Resolves with the installation's version of the entity. */
  apply(endpoint: string, entity: DesiredEntity): Promise<string>;
  /** Resolves with whether it existed. */
  remove(endpoint: string, ref: EntityId): Promise<boolean>;
}

/**
 * The calls over the controller's transports, which carry the control-plane token; each call
 * has `timeoutMs` as its deadline (an apply includes the wsk-computer's PUT to OpenWhisk and its
 * re-announcement).
 */
export function installationCalls(pool: TransportPool, timeoutMs: number): InstallationCalls {
  const client = (endpoint: string) => createClient(soev1.InstallationService, pool.get(endpoint));
  return {
    async list(endpoint, kind) {
      const { entities } = await client(endpoint).listInstalledEntities({ kind }, { timeoutMs });
      return entities.flatMap((e) =>
        e.ref === undefined
          ? []
          : [{ ref: fromRef(e.ref), digest: e.digest, version: e.version, summary: e.summary }],
      );
    },
    async apply(endpoint, entity) {
      const response = await client(endpoint).applyEntity(
        { entity: toEntity(entity) },
        { timeoutMs },
      );
      return response.installedVersion;
    },
    async remove(endpoint, ref) {
      return (await client(endpoint).removeEntity({ ref: toRef(ref) }, { timeoutMs })).existed;
    },
  };
}

export function fromRef(ref: soev1.EntityRef): EntityId {
  return { kind: ref.kind, namespace: ref.namespace, package: ref.package, name: ref.name };
}

export function toRef(ref: EntityId): soev1.EntityRef {
  return create(soev1.EntityRefSchema, ref);
}

export function toEntity(entity: DesiredEntity): soev1.Entity {
  return create(soev1.EntitySchema, {
    ref: toRef(entity.ref),
    document: entity.document,
    version: entity.version,
    digest: entity.digest,
    updatedUnixMs: BigInt(entity.updatedUnixMs),
  });
}

// OpenWhisk keys (`uuid:64 characters`) and Basic credentials never leave in a reason, whatever
// a peer's error text holds.
const SECRETS = [
  /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:[A-Za-z0-9]{64}/g,
  /\b(Basic|Bearer) +[A-Za-z0-9+/=._-]+/gi,
];

/** A failure as one line for outcomes, drift and logs, secrets masked. */
export function failureReason(error: unknown): string {
  const text =
    error instanceof ConnectError
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
  return SECRETS.reduce(
    (t, pattern) => t.replace(pattern, "<redacted>"),
    text.split("\n")[0] ?? "",
  );
}
