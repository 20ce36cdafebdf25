import {
  type ActionDocument,
  type ExecDocument,
  isSequenceExec,
  type KeyValue,
  mergeActionDocument,
  mergePackageDocument,
  type PackageBinding,
  type PackageDocument,
} from "@soe/openwhisk";

/** Field order as the controller writes it. */
export interface StoredLimits {
  readonly concurrency: number;
  readonly logs: number;
  readonly memory: number;
  readonly timeout: number;
}

export interface StoredAction {
  readonly namespace: string;
  readonly packageName: string | undefined;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly exec: ExecDocument;
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly limits: StoredLimits;
  readonly updated: number;
  /** Breaks ties between equal `updated` times, so listings are stable. */
  readonly sequence: number;
}

export interface StoredPackage {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  /** Set for a package binding: the package it stands for (namespace resolved). */
  readonly binding: PackageBinding | undefined;
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly updated: number;
  readonly sequence: number;
}

/** Why a PUT was refused; the routes turn each into the controller's status and text. */
export type PutRefusal =
  /** PUT without overwrite on an existing entity. */
  | "exists"
  /** A package and a top-level action share one name space in OpenWhisk's store. */
  | "other-collection"
  /** The action's package does not exist. */
  | "no-package"
  /** Actions cannot be created inside a package binding. */
  | "in-binding"
  /** A new action needs an exec. */
  | "no-exec"
  /** A sequence component does not exist, or the sequence names itself. */
  | "no-component"
  | "cyclic"
  /** `default` is reserved for the default package. */
  | "reserved"
  /** The bound package is missing, is itself a binding, or is an action. */
  | "binding-missing"
  | "binding-to-binding"
  | "binding-not-package"
  /** The bound package is another namespace's and not published. */
  | "binding-forbidden"
  /** A plain package cannot be turned into a binding. */
  | "package-to-binding";

export type PutOutcome<T> =
  | { readonly ok: true; readonly entity: T; readonly created: boolean }
  | { readonly ok: false; readonly reason: PutRefusal };

export type PackageDelete =
  | { readonly ok: true; readonly entity: StoredPackage }
  | { readonly ok: false; readonly reason: "missing" }
  | { readonly ok: false; readonly reason: "not-empty"; readonly count: number };

/**
 * An action found by the path it was called by: through a package binding, `packageParameters`
 * are the bound package's overridden by the binding's, as `WhiskPackage.resolveBinding` merges them.
 */
export interface ResolvedAction {
  readonly action: StoredAction;
  readonly packageParameters: readonly KeyValue[];
  /** `ns/binding` when reached through a binding (the activation's `binding` annotation). */
  readonly binding: string | undefined;
}

function actionKey(packageName: string | undefined, name: string): string {
  return packageName === undefined ? name : `${packageName}/${name}`;
}

export function nextVersion(version: string): string {
  const [major = "0", minor = "0", patch = "0"] = version.split(".");
  return `${major}.${minor}.${Number(patch) + 1}`;
}

/** Annotations the controller maintains itself: the runtime kind, and the API-key feature flag. */
function withSystemAnnotations(annotations: readonly KeyValue[], kind: string): KeyValue[] {
  const own = annotations.filter((a) => a.key !== "exec");
  if (!own.some((a) => a.key === "provide-api-key"))
    own.push({ key: "provide-api-key", value: false });
  own.push({ key: "exec", value: kind });
  return own;
}

/** Parameters over parameters, key by key, as the controller's `Parameters ++` does. */
export function overlay(...layers: readonly (readonly KeyValue[])[]): KeyValue[] {
  const byKey = new Map<string, KeyValue>();
  for (const layer of layers) for (const p of layer) byKey.set(p.key, p);
  return [...byKey.values()];
}

function newestFirst(
  a: { updated: number; sequence: number },
  b: { updated: number; sequence: number },
) {
  return b.updated - a.updated || b.sequence - a.sequence;
}

/** `/ns/name` or `/ns/pkg/name` → its parts. */
export function componentParts(
  component: string,
): { namespace: string; packageName: string | undefined; name: string } | undefined {
  const [, namespace, first, second] = component.split("/");
  if (namespace === undefined || first === undefined) return undefined;
  return second === undefined
    ? { namespace, packageName: undefined, name: first }
    : { namespace, packageName: first, name: second };
}

/** Actions and packages per namespace, in memory. */
export class EntityStore {
  readonly #actions = new Map<string, Map<string, StoredAction>>();
  readonly #packages = new Map<string, Map<string, StoredPackage>>();
  readonly #clock: () => number;
  readonly #defaultLimits: StoredLimits;
  #sequence = 0;

  constructor(clock: () => number, defaultLimits: StoredLimits) {
    this.#clock = clock;
    this.#defaultLimits = defaultLimits;
  }

  getAction(
    namespace: string,
    packageName: string | undefined,
    name: string,
  ): StoredAction | undefined {
    return this.#actions.get(namespace)?.get(actionKey(packageName, name));
  }

  /** The action a path names, following a package binding to the bound package's action. */
  resolveAction(
    namespace: string,
    packageName: string | undefined,
    name: string,
  ): ResolvedAction | undefined {
    if (packageName === undefined) {
      const action = this.getAction(namespace, undefined, name);
      return action && { action, packageParameters: [], binding: undefined };
    }
    const pkg = this.getPackage(namespace, packageName);
    if (pkg === undefined) return undefined;
    if (pkg.binding === undefined) {
      const action = this.getAction(namespace, packageName, name);
      return action && { action, packageParameters: pkg.parameters, binding: undefined };
    }
    const bound = this.getPackage(pkg.binding.namespace, pkg.binding.name);
    const action = this.getAction(pkg.binding.namespace, pkg.binding.name, name);
    if (bound === undefined || action === undefined) return undefined;
    return {
      action,
      packageParameters: overlay(bound.parameters, pkg.parameters),
      binding: `${namespace}/${packageName}`,
    };
  }

  putAction(
    namespace: string,
    packageName: string | undefined,
    name: string,
    content: ActionDocument,
    overwrite: boolean,
  ): PutOutcome<StoredAction> {
    if (packageName === undefined && this.getPackage(namespace, name) !== undefined) {
      return { ok: false, reason: "other-collection" };
    }
    if (packageName !== undefined) {
      const pkg = this.getPackage(namespace, packageName);
      if (pkg === undefined) return { ok: false, reason: "no-package" };
      if (pkg.binding !== undefined) return { ok: false, reason: "in-binding" };
    }
    const old = this.getAction(namespace, packageName, name);
    if (old !== undefined && !overwrite) return { ok: false, reason: "exists" };
    const document =
      old === undefined
        ? content
        : mergeActionDocument(
            {
              exec: old.exec,
              parameters: old.parameters,
              annotations: old.annotations,
              limits: old.limits,
              publish: old.publish,
            },
            content,
          );
    let exec = document.exec;
    if (exec === undefined) return { ok: false, reason: "no-exec" };
    if (isSequenceExec(exec)) {
      // `_` in a component is the caller's namespace (WhiskActionPut.resolve).
      const components = exec.components.map((c) =>
        c.startsWith("/_/") ? `/${namespace}/${c.slice(3)}` : c,
      );
      exec = { kind: exec.kind, components };
    }
    let parameters = document.parameters ?? [];
    if (isSequenceExec(exec)) {
      const self = `/${namespace}/${actionKey(packageName, name)}`;
      for (const component of exec.components) {
        if (component === self) return { ok: false, reason: "cyclic" };
        if (this.resolveComponent(component) === undefined)
          return { ok: false, reason: "no-component" };
      }
      // The controller keeps a sequence's components as its only parameter (Actions.scala).
      parameters = [{ key: "_actions", value: exec.components }];
    }
    const base = old?.limits ?? this.#defaultLimits;
    const limits: StoredLimits = {
      concurrency: document.limits?.concurrency ?? base.concurrency,
      logs: document.limits?.logs ?? base.logs,
      memory: document.limits?.memory ?? base.memory,
      timeout: document.limits?.timeout ?? base.timeout,
    };
    const action: StoredAction = {
      namespace,
      packageName,
      name,
      version: old === undefined ? "0.0.1" : nextVersion(old.version),
      publish: document.publish ?? false,
      exec,
      parameters,
      annotations: withSystemAnnotations(document.annotations ?? [], exec.kind),
      limits,
      updated: this.#clock(),
      sequence: ++this.#sequence,
    };
    this.#namespaceMap(this.#actions, namespace).set(actionKey(packageName, name), action);
    return { ok: true, entity: action, created: old === undefined };
  }

  deleteAction(
    namespace: string,
    packageName: string | undefined,
    name: string,
  ): StoredAction | undefined {
    const key = actionKey(packageName, name);
    const action = this.#actions.get(namespace)?.get(key);
    this.#actions.get(namespace)?.delete(key);
    return action;
  }

  /**
   * Newest first; without a package, the namespace's top-level actions and those in its packages.
   * In a binding, the bound package's actions (OpenWhisk lists them under their own namespace).
   */
  listActions(namespace: string, packageName?: string): StoredAction[] {
    if (packageName !== undefined) {
      const binding = this.getPackage(namespace, packageName)?.binding;
      if (binding !== undefined) return this.listActions(binding.namespace, binding.name);
    }
    const all = [...(this.#actions.get(namespace)?.values() ?? [])];
    const selected =
      packageName === undefined ? all : all.filter((a) => a.packageName === packageName);
    return selected.sort(newestFirst);
  }

  /** A sequence component, `/ns/name` or `/ns/pkg/name`. */
  resolveComponent(component: string): ResolvedAction | undefined {
    const parts = componentParts(component);
    return parts && this.resolveAction(parts.namespace, parts.packageName, parts.name);
  }

  getPackage(namespace: string, name: string): StoredPackage | undefined {
    return this.#packages.get(namespace)?.get(name);
  }

  /** A binding's parameters over its bound package's; a plain package's own. */
  packageParameters(pkg: StoredPackage): readonly KeyValue[] {
    if (pkg.binding === undefined) return pkg.parameters;
    const bound = this.getPackage(pkg.binding.namespace, pkg.binding.name);
    return overlay(bound?.parameters ?? [], pkg.parameters);
  }

  putPackage(
    namespace: string,
    name: string,
    content: PackageDocument,
    overwrite: boolean,
  ): PutOutcome<StoredPackage> {
    if (name === "default") return { ok: false, reason: "reserved" };
    if (this.getAction(namespace, undefined, name) !== undefined)
      return { ok: false, reason: "other-collection" };
    const old = this.getPackage(namespace, name);
    if (old !== undefined && !overwrite) return { ok: false, reason: "exists" };
    // `_` in a binding is the caller's namespace (Binding.resolve).
    const given =
      content.binding === undefined
        ? undefined
        : {
            namespace: content.binding.namespace === "_" ? namespace : content.binding.namespace,
            name: content.binding.name,
          };
    if (given !== undefined) {
      if (old !== undefined && old.binding === undefined)
        return { ok: false, reason: "package-to-binding" };
      const refusal = this.#bindingRefusal(namespace, given);
      if (refusal !== undefined) return { ok: false, reason: refusal };
    }
    const document =
      old === undefined
        ? content
        : mergePackageDocument(
            {
              parameters: old.parameters,
              annotations: old.annotations,
              publish: old.publish,
            },
            content,
          );
    const binding = given ?? old?.binding;
    // The controller owns the `binding` annotation: a body's own is replaced.
    const annotations = (document.annotations ?? []).filter((a) => a.key !== "binding");
    if (binding !== undefined) annotations.push({ key: "binding", value: binding });
    const pkg: StoredPackage = {
      namespace,
      name,
      version: old === undefined ? "0.0.1" : nextVersion(old.version),
      publish: document.publish ?? false,
      binding,
      parameters: document.parameters ?? [],
      annotations,
      updated: this.#clock(),
      sequence: ++this.#sequence,
    };
    this.#namespaceMap(this.#packages, namespace).set(name, pkg);
    return { ok: true, entity: pkg, created: old === undefined };
  }

  /** A package holding actions is only deleted with `force`, which deletes them too. */
  deletePackage(namespace: string, name: string, force: boolean): PackageDelete {
    const pkg = this.getPackage(namespace, name);
    if (pkg === undefined) return { ok: false, reason: "missing" };
    // A binding holds nothing of its own: it always goes.
    const contents = pkg.binding === undefined ? this.listActions(namespace, name) : [];
    if (contents.length > 0 && !force)
      return { ok: false, reason: "not-empty", count: contents.length };
    for (const action of contents) this.deleteAction(namespace, name, action.name);
    this.#packages.get(namespace)?.delete(name);
    return { ok: true, entity: pkg };
  }

  listPackages(namespace: string): StoredPackage[] {
    return [...(this.#packages.get(namespace)?.values() ?? [])].sort(newestFirst);
  }

  #bindingRefusal(namespace: string, binding: PackageBinding): PutRefusal | undefined {
    const bound = this.getPackage(binding.namespace, binding.name);
    if (bound === undefined) {
      return this.getAction(binding.namespace, undefined, binding.name) === undefined
        ? "binding-missing"
        : "binding-not-package";
    }
    if (binding.namespace !== namespace && !bound.publish) return "binding-forbidden";
    if (bound.binding !== undefined) return "binding-to-binding";
    return undefined;
  }

  #namespaceMap<T>(maps: Map<string, Map<string, T>>, namespace: string): Map<string, T> {
    let map = maps.get(namespace);
    if (map === undefined) {
      map = new Map();
      maps.set(namespace, map);
    }
    return map;
  }
}
