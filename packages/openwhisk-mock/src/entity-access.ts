import { ErrorText, type Identity, notAuthorizedFor, resolveAccess } from "@soe/openwhisk";
import type { EntityStore } from "./entity-store.js";

export type ReadNamespace =
  | { readonly ok: true; readonly namespace: string }
  | { readonly ok: false; readonly status: 400; readonly error: string };

/**
 * The namespace a read or an activation addresses, after the names are checked (400 first, as
 * the controller parses the path before it checks entitlement). Unlike changes, reads may
 * address another namespace: whether they may see the entity is {@link packageRead}'s question.
 */
export function readNamespace(
  identity: Pick<Identity, "namespace">,
  namespaceSegment: string,
  segments: readonly string[],
): ReadNamespace {
  const access = resolveAccess(identity, namespaceSegment, segments);
  if (access.ok) return access;
  if (access.status === 400) return { ok: false, status: 400, error: access.error };
  // Only another namespace than the caller's, named outright, is refused with 403.
  return { ok: true, namespace: namespaceSegment };
}

/**
 * Whether a subject may read a package (OpenWhisk's `PackageCollection.implicitRights` for READ):
 * its own packages, and other namespaces' published plain packages. A binding is readable by
 * its owner only, and only while the package it binds is readable too. A package of another
 * namespace that is missing, or is an action, is refused like a private one, so nothing leaks
 * about what other namespaces hold; the owner learns the truth instead.
 */
export type PackageRead = "ok" | "forbidden" | "missing" | "not-package";

export function packageRead(
  store: EntityStore,
  caller: string,
  namespace: string,
  name: string,
): PackageRead {
  const owner = namespace === caller;
  const pkg = store.getPackage(namespace, name);
  if (pkg === undefined) {
    if (!owner) return "forbidden";
    return store.getAction(namespace, undefined, name) === undefined ? "missing" : "not-package";
  }
  if (pkg.binding === undefined) return pkg.publish || owner ? "ok" : "forbidden";
  if (!owner) return "forbidden";
  // One level: a binding never binds a binding (refused when it is created).
  const bound = store.getPackage(pkg.binding.namespace, pkg.binding.name);
  if (bound === undefined || bound.binding !== undefined) {
    return pkg.binding.namespace === caller ? "missing" : "forbidden";
  }
  return bound.publish || pkg.binding.namespace === caller ? "ok" : "forbidden";
}

export type Refusal = { readonly status: 403 | 404 | 409; readonly error: string };

/** The controller's answer to a read it refuses; the 403 names the package (`ns/pkg`). */
export function packageReadRefusal(
  read: Exclude<PackageRead, "ok">,
  namespace: string,
  name: string,
): Refusal {
  switch (read) {
    case "forbidden":
      return { status: 403, error: notAuthorizedFor(`${namespace}/${name}`) };
    case "missing":
      return { status: 404, error: ErrorText.notFound };
    case "not-package":
      return { status: 409, error: ErrorText.otherCollection };
  }
}

/**
 * Whether a subject may read or activate an action (`ActionCollection.implicitRights`): in its
 * own default package, or in a package it may read. Says nothing about the action existing.
 */
export function actionReadRefusal(
  store: EntityStore,
  caller: string,
  namespace: string,
  packageName: string | undefined,
  name: string,
): Refusal | undefined {
  if (packageName === undefined) {
    return namespace === caller
      ? undefined
      : { status: 403, error: notAuthorizedFor(`${namespace}/${name}`) };
  }
  const read = packageRead(store, caller, namespace, packageName);
  return read === "ok" ? undefined : packageReadRefusal(read, namespace, packageName);
}
