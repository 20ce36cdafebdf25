import { soev1 } from "@soe/proto";
import { compareText } from "@soe/runtime";
import {
  compareRefs,
  type DesiredEntity,
  documentDigest,
  type EntityId,
  entityKey,
  FIRST_VERSION,
  nextVersion,
} from "./domain-entity.js";

/** What a put did: the entity as stored, and the one it replaced. */
export interface PutResult {
  readonly entity: DesiredEntity;
  readonly previous: DesiredEntity | undefined;
}

/**
 * The domain's desired OpenWhisk entities (DESIGN §9), keyed by (kind, namespace, package,
 * name). No I/O and no checks of documents: the RPC layer validates, the state file persists
 * `entities()` and hands them back to `restore`.
 */
export class DesiredState {
  readonly #entities = new Map<string, DesiredEntity>();

  /** Creates or replaces an entity: version "0.0.1" when new, the patch bumped when replaced. */
  put(ref: EntityId, document: Uint8Array, nowUnixMs: number): PutResult {
    const key = entityKey(ref);
    const previous = this.#entities.get(key);
    const entity: DesiredEntity = {
      ref: { kind: ref.kind, namespace: ref.namespace, package: ref.package, name: ref.name },
      document: document.slice(),
      version: previous === undefined ? FIRST_VERSION : nextVersion(previous.version),
      digest: documentDigest(document),
      updatedUnixMs: nowUnixMs,
    };
    this.#entities.set(key, entity);
    return { entity, previous };
  }

  get(ref: EntityId): DesiredEntity | undefined {
    return this.#entities.get(entityKey(ref));
  }

  /** The package `name` of `namespace`, if desired. */
  package(namespace: string, name: string): DesiredEntity | undefined {
    return this.get({ kind: soev1.EntityKind.PACKAGE, namespace, package: "", name });
  }

  /** Removes an entity; returns it as it was, or undefined if absent. */
  delete(ref: EntityId): DesiredEntity | undefined {
    const key = entityKey(ref);
    const entity = this.#entities.get(key);
    this.#entities.delete(key);
    return entity;
  }

  /**
   * Entities of one kind in a namespace, sorted by name; for actions, `pkg` restricts to one
   * package and undefined lists them all.
   */
  list(kind: soev1.EntityKind, namespace: string, pkg?: string): DesiredEntity[] {
    return this.entities()
      .filter(
        (e) =>
          e.ref.kind === kind &&
          e.ref.namespace === namespace &&
          (pkg === undefined || e.ref.package === pkg),
      )
      .sort((a, b) => compareRefs(a.ref, b.ref));
  }

  /** Desired actions in a package. */
  actionsIn(namespace: string, pkg: string): DesiredEntity[] {
    return this.list(soev1.EntityKind.ACTION, namespace, pkg);
  }

  /** Every entity of every namespace, in a stable order (namespace, then name). */
  entities(): DesiredEntity[] {
    return [...this.#entities.values()].sort(
      (a, b) => compareText(a.ref.namespace, b.ref.namespace) || compareRefs(a.ref, b.ref),
    );
  }

  /** Takes entities back from the state file as they were saved (versions and times kept). */
  restore(entities: readonly DesiredEntity[]): void {
    for (const entity of entities) this.#entities.set(entityKey(entity.ref), entity);
  }
}
