import { soev1 } from "@soe/proto";
import {
  annotation,
  boundPackage,
  type DesiredEntity,
  InvalidEntity,
  parseDocument,
} from "./domain-entity.js";

/** The annotation holding an entity's label selector: `k=v,k2!=v2`, every term must hold. */
export const PLACEMENT_ANNOTATION = "soe-placement";

export interface SelectorTerm {
  readonly key: string;
  readonly value: string;
  /** `k!=v`: the label is absent or has another value. */
  readonly negated: boolean;
}

/** Terms that must all hold; none places an entity on every installation of its namespace. */
export type Selector = readonly SelectorTerm[];

/** Where an entity may go: an installation's namespace and labels. */
export interface PlacementTarget {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

const LABEL_KEY = /^[A-Za-z0-9_./-]+$/;

/** Parses `k=v,k2!=v2` (blanks around terms ignored, "" = no constraint); throws InvalidEntity. */
export function parseSelector(text: string): Selector {
  if (text.trim() === "") return [];
  return text.split(",").map((raw) => {
    const term = raw.trim();
    const match = /^([^=!]*)(!=|=)(.*)$/.exec(term);
    const key = match?.[1]?.trim() ?? "";
    if (match === null || !LABEL_KEY.test(key) || /[=!]/.test(match[3] ?? "")) {
      throw new InvalidEntity(
        `annotation ${PLACEMENT_ANNOTATION}: "${term}" is not key=value or key!=value`,
      );
    }
    return { key, value: (match[3] ?? "").trim(), negated: match[2] === "!=" };
  });
}

/** The selector of a parsed document; throws InvalidEntity when the annotation is malformed. */
export function documentSelector(document: Record<string, unknown>): Selector {
  const value = annotation(document, PLACEMENT_ANNOTATION);
  if (value === undefined) return [];
  if (typeof value !== "string") {
    throw new InvalidEntity(`annotation ${PLACEMENT_ANNOTATION} must be a string selector`);
  }
  return parseSelector(value);
}

export function selectorMatches(selector: Selector, labels: Readonly<Record<string, string>>) {
  return selector.every(
    (t) => (Object.hasOwn(labels, t.key) && labels[t.key] === t.value) !== t.negated,
  );
}

/** Whether an action's document is a sequence (`exec.kind: "sequence"`). */
export function isSequenceDocument(document: Record<string, unknown>): boolean {
  const exec = document.exec;
  return (
    typeof exec === "object" && exec !== null && (exec as { kind?: unknown }).kind === "sequence"
  );
}

/** Looks a desired package up by namespace and name. */
export type PackageLookup = (namespace: string, name: string) => DesiredEntity | undefined;

/**
 * Whether `entity` belongs on `target`: same namespace and its own selector holds; an action in a
 * package also needs its package there, and a binding of a domain package the package it binds
 * (OpenWhisk refuses both without it). An entity whose document no longer parses goes nowhere.
 */
export function isPlacedOn(
  entity: DesiredEntity,
  target: PlacementTarget,
  packages: PackageLookup,
  depth = 0,
): boolean {
  const { ref } = entity;
  if (ref.namespace !== target.namespace || depth > 2) return false;
  let document: Record<string, unknown>;
  try {
    document = parseDocument(entity.document);
    if (!selectorMatches(documentSelector(document), target.labels)) return false;
  } catch {
    return false;
  }
  // A sequence is the domain's own composition: the proxy runs it, component by component, each
  // routed on its own (its components may live on other installations or native computers), so
  // no installation gets it as an OpenWhisk sequence (issue 11).
  if (ref.kind === soev1.EntityKind.ACTION && isSequenceDocument(document)) return false;
  if (ref.kind === soev1.EntityKind.ACTION && ref.package !== "") {
    const pkg = packages(ref.namespace, ref.package);
    return pkg !== undefined && isPlacedOn(pkg, target, packages, depth + 1);
  }
  if (ref.kind === soev1.EntityKind.PACKAGE) {
    const bound = boundPackage(document);
    const pkg =
      bound === undefined || !["", "_", ref.namespace].includes(bound.namespace)
        ? undefined
        : packages(ref.namespace, bound.name);
    if (pkg !== undefined && pkg !== entity) return isPlacedOn(pkg, target, packages, depth + 1);
  }
  return true;
}
