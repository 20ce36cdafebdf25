import { type Access, type Identity, resolveAccess, resolveActionAccess } from "@soe/openwhisk";
import type { ActionLister } from "./action-lister.js";

/**
 * Whether a caller may read or invoke `ns[/pkg]/name`: its own namespace, or an action another
 * namespace published that the domain announces as public (`whisk.system/utils/sort`). The
 * controller is asked only when the caller reaches beyond its own namespace.
 */
export async function actionAccess(
  lister: Pick<ActionLister, "isPublic">,
  caller: Pick<Identity, "namespace">,
  namespaceSegment: string,
  segments: readonly string[],
): Promise<Access> {
  const access = resolveAccess(caller, namespaceSegment, segments);
  if (access.ok || access.status === 400) return access;
  const published =
    segments.length === 2 && (await lister.isPublic(`/${namespaceSegment}/${segments.join("/")}`));
  return resolveActionAccess(caller, namespaceSegment, segments, () => published);
}
