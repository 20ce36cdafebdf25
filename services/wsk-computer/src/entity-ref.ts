import type { MessageInitShape } from "@bufbuild/protobuf";
import { DEFAULT_NAMESPACE, entityNameProblem, type OpenWhiskClient } from "@soe/openwhisk";
import { soev1 } from "@soe/proto";

type EntityCollection = Parameters<OpenWhiskClient["putEntity"]>[0];
type EntityAddress = Parameters<OpenWhiskClient["putEntity"]>[1];
type EntityRefInit = MessageInitShape<typeof soev1.EntityRefSchema>;

/** Where an entity of the domain lives on this installation's OpenWhisk. */
export interface EntityLocation {
  readonly collection: EntityCollection;
  readonly address: EntityAddress;
}

export type LocationOfRef =
  | ({ readonly ok: true } & EntityLocation)
  | { readonly ok: false; readonly reason: string };

/** The collection of each kind the domain knows; unspecified has none. */
export function collectionOf(kind: soev1.EntityKind): EntityCollection | undefined {
  switch (kind) {
    case soev1.EntityKind.ACTION:
      return "actions";
    case soev1.EntityKind.PACKAGE:
      return "packages";
    case soev1.EntityKind.TRIGGER:
      return "triggers";
    case soev1.EntityKind.RULE:
      return "rules";
    default:
      return undefined;
  }
}

/**
 * An `EntityRef` as an OpenWhisk address, or why it is none: the namespace is resolved (never
 * `_`, which would silently mean this key's own), only actions sit in a package, and every part
 * follows OpenWhisk's name rule, so nothing malformed reaches its path.
 */
export function locationOfRef(ref: soev1.EntityRef | undefined): LocationOfRef {
  if (ref === undefined) return { ok: false, reason: "the entity reference is missing" };
  const collection = collectionOf(ref.kind);
  if (collection === undefined) return { ok: false, reason: "the entity kind is unspecified" };
  if (ref.namespace === DEFAULT_NAMESPACE) {
    return { ok: false, reason: "the namespace must be resolved, not _" };
  }
  if (ref.package !== "" && ref.kind !== soev1.EntityKind.ACTION) {
    return { ok: false, reason: `only actions belong to a package, not ${collection}` };
  }
  const parts: [string, string][] = [
    ["namespace", ref.namespace],
    ["name", ref.name],
  ];
  if (ref.package !== "") parts.push(["package", ref.package]);
  for (const [what, value] of parts) {
    const problem = entityNameProblem(value);
    if (problem !== undefined) {
      const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
      return { ok: false, reason: `invalid ${what} '${shown}': ${problem}` };
    }
  }
  return {
    ok: true,
    collection,
    address: {
      namespace: ref.namespace,
      ...(ref.package === "" ? {} : { packageName: ref.package }),
      name: ref.name,
    },
  };
}

/**
 * The reference of an entity as a listing shows it: an action inside a package is listed with
 * `"namespace": "ns/pkg"` (as the action lister reads it), every other entity with its namespace.
 */
export function refOfListing(
  kind: soev1.EntityKind,
  entry: { readonly namespace: string; readonly name: string },
): EntityRefInit {
  const slash = entry.namespace.indexOf("/");
  if (kind !== soev1.EntityKind.ACTION || slash < 0) {
    return { kind, namespace: entry.namespace, package: "", name: entry.name };
  }
  return {
    kind,
    namespace: entry.namespace.slice(0, slash),
    package: entry.namespace.slice(slash + 1),
    name: entry.name,
  };
}
