import type { ActionDescription, ActionSummary, PackageDescription } from "@soe/openwhisk";
import type { StoredAction, StoredPackage } from "./entity-store.js";

/** `ns` or `ns/pkg`: how OpenWhisk writes the namespace of an entity inside a package. */
export function entityNamespace(action: StoredAction): string {
  return action.packageName === undefined
    ? action.namespace
    : `${action.namespace}/${action.packageName}`;
}

/** `ns[/pkg]/name`: the `path` annotation of activations, and the resource named in 403 texts. */
export function qualifiedPath(action: StoredAction): string {
  return `${entityNamespace(action)}/${action.name}`;
}

export function actionDescription(action: StoredAction, withCode: boolean): ActionDescription {
  const { kind, code, main } = action.exec;
  return {
    namespace: entityNamespace(action),
    name: action.name,
    version: action.version,
    publish: action.publish,
    exec: {
      kind,
      ...(withCode ? { code } : {}),
      ...(main === undefined ? {} : { main }),
      binary: false,
    },
    parameters: action.parameters,
    annotations: action.annotations,
    limits: action.limits,
    updated: action.updated,
  };
}

/** Listings carry no code and no parameters; the kind is only in the `exec` annotation. */
export function actionSummary(action: StoredAction): ActionSummary {
  return {
    namespace: entityNamespace(action),
    name: action.name,
    version: action.version,
    publish: action.publish,
    exec: { binary: false },
    annotations: action.annotations,
    limits: action.limits,
    updated: action.updated,
  };
}

export function packageDescription(
  pkg: StoredPackage,
  actions?: readonly StoredAction[],
): PackageDescription {
  return {
    namespace: pkg.namespace,
    name: pkg.name,
    version: pkg.version,
    publish: pkg.publish,
    binding: {},
    parameters: pkg.parameters,
    annotations: pkg.annotations,
    updated: pkg.updated,
    ...(actions === undefined
      ? {}
      : {
          actions: actions.map((a) => ({
            name: a.name,
            version: a.version,
            annotations: a.annotations,
          })),
        }),
  };
}
