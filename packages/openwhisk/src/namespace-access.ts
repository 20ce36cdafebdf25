import { DEFAULT_NAMESPACE } from "./action-name.js";
import { entityNameErrorText, isEntityName } from "./entity-name.js";
import { ErrorText, notAuthorizedFor } from "./error-texts.js";
import type { Identity } from "./key-ring.js";

export type Access =
  | { readonly ok: true; readonly namespace: string }
  | { readonly ok: false; readonly status: 400 | 403; readonly error: string };

/**
 * Checks a path's names, then the caller's right to the namespace: names first (400), as the
 * controller extracts them before it checks entitlement. `_` is the caller's own namespace; a key
 * reaches only its own (neither the mock nor the edge domain has shared packages), and the 403
 * text names the resource (`namespace[/package]/name`) as OpenWhisk's does.
 */
export function resolveAccess(
  identity: Pick<Identity, "namespace">,
  namespaceSegment: string,
  entitySegments: readonly string[] = [],
): Access {
  for (const segment of [namespaceSegment, ...entitySegments]) {
    if (!isEntityName(segment)) {
      return { ok: false, status: 400, error: entityNameErrorText(segment) };
    }
  }
  const namespace = namespaceSegment === DEFAULT_NAMESPACE ? identity.namespace : namespaceSegment;
  if (namespace !== identity.namespace) {
    const error =
      entitySegments.length === 0
        ? ErrorText.notAuthorized
        : notAuthorizedFor([namespace, ...entitySegments].join("/"));
    return { ok: false, status: 403, error };
  }
  return { ok: true, namespace };
}

/**
 * The `processor` a wsk-computer announces for an action of a published package (another
 * namespace's `whisk.system/utils/sort`, say): the controller's container records carry no
 * other per-lambda field, and the proxy must tell such actions from the private ones a computer
 * of that namespace offers.
 */
export const PUBLIC_ACTION_PROCESSOR = "openwhisk-public";

/**
 * {@link resolveAccess} for reading or activating an action (`ActionCollection.implicitRights`):
 * another namespace's action is reachable when it sits in a package that namespace published,
 * which `isPublic` tells by the action's fully qualified name. Refused otherwise with 403, the
 * text naming the package (`ns/pkg`) as the controller's does, or `ns/name` in a default package.
 */
export function resolveActionAccess(
  identity: Pick<Identity, "namespace">,
  namespaceSegment: string,
  entitySegments: readonly string[],
  isPublic: (qualifiedName: string) => boolean,
): Access {
  const access = resolveAccess(identity, namespaceSegment, entitySegments);
  if (access.ok || access.status === 400) return access;
  const [packageName, name] = entitySegments;
  if (packageName === undefined) return access;
  if (name === undefined) {
    return {
      ok: false,
      status: 403,
      error: notAuthorizedFor(`${namespaceSegment}/${packageName}`),
    };
  }
  if (isPublic(`/${namespaceSegment}/${packageName}/${name}`)) {
    return { ok: true, namespace: namespaceSegment };
  }
  return { ok: false, status: 403, error: notAuthorizedFor(`${namespaceSegment}/${packageName}`) };
}
