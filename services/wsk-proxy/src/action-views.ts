import {
  type ActionDescription,
  type ActionName,
  type ActionSummary,
  parseActionName,
} from "@soe/openwhisk";
import type { CatalogEntry } from "./action-lister.js";
import { UNKNOWN_VERSION } from "./activation-record.js";

export interface CatalogAction {
  readonly action: ActionName;
  readonly updated: number;
}

/**
 * The OpenWhisk actions of one namespace among the domain's lambdas: fully-qualified names
 * (`/ns/action`, `/ns/pkg/action`) only, since other lambdas (simulated, JS) are no actions.
 * Optionally one package's. Most recently seen first, then by name, as listings must be stable.
 */
export function actionsOf(
  catalog: readonly CatalogEntry[],
  namespace: string,
  packageName?: string,
): CatalogAction[] {
  const actions: CatalogAction[] = [];
  for (const entry of catalog) {
    if (!entry.name.startsWith("/")) continue;
    const parsed = parseActionName(entry.name);
    if (!parsed.ok || parsed.value.namespace !== namespace) continue;
    if (packageName !== undefined && parsed.value.packageName !== packageName) continue;
    actions.push({ action: parsed.value, updated: entry.firstSeen });
  }
  const key = (a: CatalogAction) =>
    `${a.action.packageName === undefined ? "" : `${a.action.packageName}/`}${a.action.name}`;
  return actions.sort(
    (a, b) => b.updated - a.updated || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
  );
}

function listingNamespace(action: ActionName): string {
  return action.packageName === undefined
    ? action.namespace
    : `${action.namespace}/${action.packageName}`;
}

/**
 * A listing element (openwhisk-api.md §3). The domain does not know an action's kind, limits or
 * version: the `exec` annotation is left out (the wsk CLI then prints no kind) and the version is
 * OpenWhisk's initial one.
 */
export function actionSummary({ action, updated }: CatalogAction): ActionSummary {
  return {
    namespace: listingNamespace(action),
    name: action.name,
    version: UNKNOWN_VERSION,
    publish: false,
    exec: { binary: false },
    annotations: [],
    limits: {},
    updated,
  };
}

/** `GET .../actions/{name}`: the description, without code (the domain has none to give). */
export function actionDescription({ action, updated }: CatalogAction): ActionDescription {
  return {
    namespace: listingNamespace(action),
    name: action.name,
    version: UNKNOWN_VERSION,
    publish: false,
    exec: { kind: "unknown", binary: false },
    parameters: [],
    annotations: [],
    limits: {},
    updated,
  };
}
