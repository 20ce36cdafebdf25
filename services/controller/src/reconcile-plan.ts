import { soev1 } from "@soe/proto";
import { compareText } from "@soe/runtime";
import {
  boundPackage,
  type DesiredEntity,
  type EntityId,
  entityKey,
  parseDocument,
} from "./domain-entity.js";
import { isPlacedOn, type PlacementTarget } from "./placement.js";

/** An entity an installation holds: its `soe-digest` annotation, "" when the domain did not deploy it. */
export interface InstalledRef {
  readonly ref: EntityId;
  readonly digest: string;
}

export type ReconcileStep =
  | { readonly op: "apply"; readonly entity: DesiredEntity; readonly drift: DriftEntry }
  | { readonly op: "remove"; readonly ref: EntityId; readonly drift: DriftEntry };

export type DriftKind = "missing" | "stale" | "orphaned" | "failed";

/** How an installation differs from the desired state (soe.v1.Drift). */
export interface DriftEntry {
  readonly ref: EntityId;
  readonly state: DriftKind;
  readonly detail: string;
}

export interface ReconcilePlan {
  /** In the order they must run. */
  readonly steps: readonly ReconcileStep[];
  /** Every difference, those without a step too (an orphan the domain must not remove). */
  readonly drift: readonly DriftEntry[];
  /** The desired entities placed on the installation. */
  readonly placed: readonly DesiredEntity[];
}

export interface ReconcileInput {
  /** The whole desired state (other namespaces are ignored). */
  readonly desired: readonly DesiredEntity[];
  readonly installation: PlacementTarget;
  /** What the installation holds, actions and packages. */
  readonly installed: readonly InstalledRef[];
}

const { ACTION, PACKAGE } = soev1.EntityKind;

/**
 * What converges one installation to the desired state (DESIGN §9). Applies first, packages
 * before bindings before actions (OpenWhisk refuses an action whose package, or a binding whose
 * package, does not exist yet); then removals of what carries a domain digest but is no longer
 * placed here, actions before bindings before packages (OpenWhisk refuses to delete a package
 * that still holds actions). Entities without a digest were not deployed by the domain and are
 * never removed; one at the name of a desired entity is replaced, as a PUT through the proxy
 * asked. No I/O: the reconciler runs the steps.
 */
export function planReconcile({ desired, installation, installed }: ReconcileInput): ReconcilePlan {
  const packages = new Map<string, DesiredEntity>();
  for (const e of desired) {
    if (e.ref.kind === PACKAGE) packages.set(`${e.ref.namespace}\n${e.ref.name}`, e);
  }
  const lookup = (namespace: string, name: string) => packages.get(`${namespace}\n${name}`);
  const placed = desired.filter(
    (e) => (e.ref.kind === ACTION || e.ref.kind === PACKAGE) && isPlacedOn(e, installation, lookup),
  );
  const placedKeys = new Set(placed.map((e) => entityKey(e.ref)));
  const held = new Map<string, InstalledRef>();
  for (const i of installed) {
    if (
      i.ref.namespace === installation.namespace &&
      (i.ref.kind === ACTION || i.ref.kind === PACKAGE)
    ) {
      held.set(entityKey(i.ref), i);
    }
  }

  const applies: { step: ReconcileStep; rank: number }[] = [];
  for (const entity of placed) {
    const there = held.get(entityKey(entity.ref));
    if (there?.digest === entity.digest) continue;
    const drift: DriftEntry =
      there === undefined
        ? { ref: entity.ref, state: "missing", detail: `version ${entity.version} not installed` }
        : {
            ref: entity.ref,
            state: "stale",
            detail:
              there.digest === ""
                ? "installed without a domain digest"
                : `installed digest ${short(there.digest)}, desired ${short(entity.digest)}`,
          };
    applies.push({ step: { op: "apply", entity, drift }, rank: applyRank(entity) });
  }

  const removals: { step: ReconcileStep; rank: number }[] = [];
  const kept: DriftEntry[] = [];
  const desiredKeys = new Set(desired.map((e) => entityKey(e.ref)));
  const foreignActionIn = new Set(
    [...held.values()]
      .filter((i) => i.ref.kind === ACTION && i.ref.package !== "" && i.digest === "")
      .map((i) => i.ref.package),
  );
  for (const [key, there] of held) {
    if (there.digest === "" || placedKeys.has(key)) continue;
    const why = desiredKeys.has(key) ? "no longer placed here" : "no longer desired";
    const drift: DriftEntry = { ref: there.ref, state: "orphaned", detail: why };
    if (there.ref.kind === PACKAGE && foreignActionIn.has(there.ref.name)) {
      kept.push({ ...drift, detail: `${why}; kept: it holds actions the domain did not deploy` });
      continue;
    }
    removals.push({ step: { op: "remove", ref: there.ref, drift }, rank: removeRank(there) });
  }

  const order = (
    a: { step: ReconcileStep; rank: number },
    b: { step: ReconcileStep; rank: number },
  ) => a.rank - b.rank || compareIds(stepRef(a.step), stepRef(b.step));
  const steps = [...applies.sort(order), ...removals.sort(order)].map((s) => s.step);
  const drift = [...steps.map((s) => s.drift), ...kept].sort((a, b) => compareIds(a.ref, b.ref));
  return { steps, drift, placed };
}

function applyRank(entity: DesiredEntity): number {
  if (entity.ref.kind === ACTION) return 2;
  try {
    return boundPackage(parseDocument(entity.document)) === undefined ? 0 : 1;
  } catch {
    return 1;
  }
}

// What an installation lists carries no document: a package that may be a binding is removed
// with the packages, which OpenWhisk allows whatever binds them.
function removeRank(there: InstalledRef): number {
  return there.ref.kind === ACTION ? 0 : 1;
}

function stepRef(step: ReconcileStep): EntityId {
  return step.op === "apply" ? step.entity.ref : step.ref;
}

/** Package, then name: a stable order in which a package's actions stay together. */
function compareIds(a: EntityId, b: EntityId): number {
  return a.kind === b.kind
    ? compareText(a.package, b.package) || compareText(a.name, b.name)
    : b.kind - a.kind;
}

function short(digest: string): string {
  return digest.slice(0, 12);
}
