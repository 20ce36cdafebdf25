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
