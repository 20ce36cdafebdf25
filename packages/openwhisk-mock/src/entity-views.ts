import {
  type ActionDescription,
  type ActionExec,
  type ActionSummary,
  isSequenceExec,
  type KeyValue,
  type PackageDescription,
} from "@soe/openwhisk";
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

/** `exec` as the controller writes it: `binary` always there for code, code as it was given. */
function execDescription(action: StoredAction, withCode: boolean): ActionExec {
  const exec = action.exec;
  if (isSequenceExec(exec)) return { kind: exec.kind, components: exec.components };
  return {
    kind: exec.kind,
    ...(withCode ? { code: exec.code } : {}),
    binary: exec.binary === true,
    ...(exec.main === undefined ? {} : { main: exec.main }),
  };
}

function isBinary(action: StoredAction): boolean {
  return !isSequenceExec(action.exec) && action.exec.binary === true;
}

export function actionDescription(action: StoredAction, withCode: boolean): ActionDescription {
  return {
    namespace: entityNamespace(action),
    name: action.name,
    version: action.version,
    publish: action.publish,
    exec: execDescription(action, withCode),
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
    exec: { binary: isBinary(action) },
    annotations: action.annotations,
    limits: action.limits,
    updated: action.updated,
  };
}

/**
 * A package as PUT, GET and DELETE answer it. For a binding, GET shows its bound package's
 * actions and its parameters over the bound package's (`parameters` given by the caller).
 */
export function packageDescription(
  pkg: StoredPackage,
  actions?: readonly StoredAction[],
  parameters: readonly KeyValue[] = pkg.parameters,
): PackageDescription {
  return {
    namespace: pkg.namespace,
    name: pkg.name,
    version: pkg.version,
    publish: pkg.publish,
    binding: pkg.binding ?? {},
    parameters,
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

/** An element of the package listing: no parameters, and `binding` is `false` for a plain package. */
export function packageSummary(pkg: StoredPackage) {
  return {
    namespace: pkg.namespace,
    name: pkg.name,
    version: pkg.version,
    publish: pkg.publish,
    annotations: pkg.annotations,
    updated: pkg.updated,
    binding: pkg.binding ?? false,
  };
}
