import { createHash } from "node:crypto";
import { soev1 } from "@soe/proto";
import { compareText } from "@soe/runtime";

/**
 * An entity's identity in the domain (soe.v1.EntityRef without the message machinery): the
 * namespace is resolved (never `_`); `package` is "" for packages and default-package actions.
 */
export interface EntityId {
  readonly kind: soev1.EntityKind;
  readonly namespace: string;
  readonly package: string;
  readonly name: string;
}

/** An entity of the desired state (soe.v1.Entity). */
export interface DesiredEntity {
  readonly ref: EntityId;
  /** The OpenWhisk PUT body, UTF-8 JSON of an object, exactly as the client sent it. */
  readonly document: Uint8Array;
  /** "0.0.1", patch bumped on each update (OpenWhisk's own rule). */
  readonly version: string;
  /** Lower-case hex SHA-256 of `document`: the `soe-digest` annotation installations carry. */
  readonly digest: string;
  readonly updatedUnixMs: number;
}

/** A document, reference or selector the domain cannot take; the RPC layer answers INVALID_ARGUMENT. */
export class InvalidEntity extends Error {
  override readonly name = "InvalidEntity";
}

export const FIRST_VERSION = "0.0.1";

/** One string per identity, for maps. */
export function entityKey(ref: EntityId): string {
  return `${ref.kind}\n${ref.namespace}\n${ref.package}\n${ref.name}`;
}

export function kindName(kind: soev1.EntityKind): string {
  switch (kind) {
    case soev1.EntityKind.ACTION:
      return "action";
    case soev1.EntityKind.PACKAGE:
      return "package";
    case soev1.EntityKind.TRIGGER:
      return "trigger";
    case soev1.EntityKind.RULE:
      return "rule";
    default:
      return `kind ${kind}`;
  }
}

/** `action /guest/pkg/hello`, OpenWhisk's fully qualified name after the kind, for logs and errors. */
export function formatRef(ref: EntityId): string {
  const path = ref.package === "" ? ref.name : `${ref.package}/${ref.name}`;
  return `${kindName(ref.kind)} /${ref.namespace}/${path}`;
}

/** By name, then package (default package first), then kind: listings are sorted by name. */
export function compareRefs(a: EntityId, b: EntityId): number {
  return compareText(a.name, b.name) || compareText(a.package, b.package) || a.kind - b.kind;
}

export function documentDigest(document: Uint8Array): string {
  return createHash("sha256").update(document).digest("hex");
}

/** The patch bumped: "0.0.1" → "0.0.2"; a version that is not `x.y.z` starts over. */
export function nextVersion(version: string): string {
  const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (parts === null) return FIRST_VERSION;
  return `${parts[1]}.${parts[2]}.${Number(parts[3]) + 1}`;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The document as a JSON object; throws InvalidEntity when it is not UTF-8 JSON of an object. */
export function parseDocument(document: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(document));
  } catch (error) {
    throw new InvalidEntity(`the document is not UTF-8 JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new InvalidEntity("the document is not a JSON object");
  return value;
}

/** The value of annotation `key` in an OpenWhisk document (`annotations: [{key, value}]`). */
export function annotation(document: Record<string, unknown>, key: string): unknown {
  const annotations = document.annotations;
  if (!Array.isArray(annotations)) return undefined;
  for (const a of annotations) if (isObject(a) && a.key === key) return a.value;
  return undefined;
}

/** The package a package document binds (`binding: {namespace, name}`), or undefined. */
export function boundPackage(
  document: Record<string, unknown>,
): { namespace: string; name: string } | undefined {
  const binding = document.binding;
  if (!isObject(binding) || typeof binding.name !== "string" || binding.name === "") {
    return undefined;
  }
  return {
    namespace: typeof binding.namespace === "string" ? binding.namespace : "",
    name: binding.name,
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
