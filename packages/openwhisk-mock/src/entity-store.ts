import type { KeyValue } from "@soe/openwhisk";
import type { ActionContent, NodeExec, PackageContent } from "./entity-content.js";

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
  readonly exec: NodeExec;
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
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly updated: number;
  readonly sequence: number;
}

export type PutOutcome<T> =
  | { readonly ok: true; readonly entity: T; readonly created: boolean }
  /**
   * `exists`: PUT without overwrite on an existing entity; `other-collection`: a package and a
   * top-level action share one name space in OpenWhisk's store; `no-package`: the action's
   * package does not exist; `no-exec`: a new action needs code.
   */
  | {
      readonly ok: false;
      readonly reason: "exists" | "other-collection" | "no-package" | "no-exec";
    };

export type PackageDelete =
  | { readonly ok: true; readonly entity: StoredPackage }
  | { readonly ok: false; readonly reason: "missing" }
  | { readonly ok: false; readonly reason: "not-empty"; readonly count: number };

function actionKey(packageName: string | undefined, name: string): string {
  return packageName === undefined ? name : `${packageName}/${name}`;
}

function nextVersion(version: string): string {
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

function newestFirst(
  a: { updated: number; sequence: number },
  b: { updated: number; sequence: number },
) {
  return b.updated - a.updated || b.sequence - a.sequence;
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

  putAction(
    namespace: string,
    packageName: string | undefined,
    name: string,
    content: ActionContent,
    overwrite: boolean,
  ): PutOutcome<StoredAction> {
    if (packageName === undefined && this.getPackage(namespace, name) !== undefined) {
      return { ok: false, reason: "other-collection" };
    }
    if (packageName !== undefined && this.getPackage(namespace, packageName) === undefined) {
      return { ok: false, reason: "no-package" };
    }
    const old = this.getAction(namespace, packageName, name);
    if (old !== undefined && !overwrite) return { ok: false, reason: "exists" };
    const exec = content.exec ?? old?.exec;
    if (exec === undefined) return { ok: false, reason: "no-exec" };
    const base = old?.limits ?? this.#defaultLimits;
    const limits: StoredLimits = {
      concurrency: content.limits?.concurrency ?? base.concurrency,
      logs: content.limits?.logs ?? base.logs,
      memory: content.limits?.memory ?? base.memory,
      timeout: content.limits?.timeout ?? base.timeout,
    };
    const action: StoredAction = {
      namespace,
      packageName,
      name,
      version: old === undefined ? "0.0.1" : nextVersion(old.version),
      publish: content.publish ?? old?.publish ?? false,
      exec,
      parameters: content.parameters ?? old?.parameters ?? [],
      annotations: withSystemAnnotations(content.annotations ?? old?.annotations ?? [], exec.kind),
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

  /** Newest first; without a package, the namespace's top-level actions and those in its packages. */
  listActions(namespace: string, packageName?: string): StoredAction[] {
    const all = [...(this.#actions.get(namespace)?.values() ?? [])];
    const selected =
      packageName === undefined ? all : all.filter((a) => a.packageName === packageName);
    return selected.sort(newestFirst);
  }

  getPackage(namespace: string, name: string): StoredPackage | undefined {
    return this.#packages.get(namespace)?.get(name);
  }

  putPackage(
    namespace: string,
    name: string,
    content: PackageContent,
    overwrite: boolean,
  ): PutOutcome<StoredPackage> {
    if (this.getAction(namespace, undefined, name) !== undefined)
      return { ok: false, reason: "other-collection" };
    const old = this.getPackage(namespace, name);
    if (old !== undefined && !overwrite) return { ok: false, reason: "exists" };
    const pkg: StoredPackage = {
      namespace,
      name,
      version: old === undefined ? "0.0.1" : nextVersion(old.version),
      publish: content.publish ?? old?.publish ?? false,
      parameters: content.parameters ?? old?.parameters ?? [],
      annotations: content.annotations ?? old?.annotations ?? [],
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
    const contents = this.listActions(namespace, name);
    if (contents.length > 0 && !force)
      return { ok: false, reason: "not-empty", count: contents.length };
    for (const action of contents) this.deleteAction(namespace, name, action.name);
    this.#packages.get(namespace)?.delete(name);
    return { ok: true, entity: pkg };
  }

  listPackages(namespace: string): StoredPackage[] {
    return [...(this.#packages.get(namespace)?.values() ?? [])].sort(newestFirst);
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
