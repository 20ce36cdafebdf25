import { DEFAULT_NAMESPACE, entityNameErrorText, isEntityName } from "@soe/openwhisk";
import { ErrorText, notAuthorizedFor } from "./error-texts.js";
import type { Identity } from "./key-ring.js";

export type Access =
  | { readonly ok: true; readonly namespace: string }
  | { readonly ok: false; readonly status: 400 | 403; readonly error: string };

/**
 * Checks the path's names and the caller's right to the namespace. `_` is the caller's own;
 * a key only reaches its own namespace (the mock has no shared packages), so any other is 403,
 * naming the resource as the controller does.
 */
export function resolveAccess(
  identity: Identity,
  namespaceSegment: string,
  entitySegments: readonly string[] = [],
): Access {
  for (const segment of [namespaceSegment, ...entitySegments]) {
    if (!isEntityName(segment))
      return { ok: false, status: 400, error: entityNameErrorText(segment) };
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
