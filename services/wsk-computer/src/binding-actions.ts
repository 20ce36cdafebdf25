/**
 * Actions reachable through package bindings. A binding (`wsk package bind`) is a package of
 * this namespace that stands for another package, often of another namespace, adding parameters
 * of its own. Its actions are no entities of ours, so no listing of actions shows them; invoking
 * `/ns/binding/action` runs the bound package's action with the binding's parameters merged in
 * (OpenWhisk resolves the binding), which is why they are announced under the binding's name.
 */
export interface PackageBinding {
  /** The binding itself: a package of the listed namespace. */
  readonly namespace: string;
  readonly name: string;
  /** The package it stands for. */
  readonly bound: { readonly namespace: string; readonly name: string };
}

/**
 * The bindings among a package listing. A listing shows `binding: false` (or `{}`) for a plain
 * package and `{namespace, name}` for a binding; anything else is not taken as a binding.
 */
export function bindingsOf(
  packages: readonly Readonly<Record<string, unknown>>[],
): PackageBinding[] {
  const bindings: PackageBinding[] = [];
  for (const entry of packages) {
    const { namespace, name, binding } = entry;
    if (typeof namespace !== "string" || typeof name !== "string") continue;
    if (typeof binding !== "object" || binding === null) continue;
    const bound = binding as Record<string, unknown>;
    if (typeof bound.namespace !== "string" || typeof bound.name !== "string") continue;
    if (bound.namespace === "" || bound.name === "") continue;
    bindings.push({ namespace, name, bound: { namespace: bound.namespace, name: bound.name } });
  }
  return bindings;
}

/** `ns/pkg`: how a listing of actions names the namespace of the actions inside `pkg`. */
export function packagedNamespace(pkg: {
  readonly namespace: string;
  readonly name: string;
}): string {
  return `${pkg.namespace}/${pkg.name}`;
}

/**
 * The lambda names of a binding's actions: `/ns/binding/action` for each action of the bound
 * package (given as a listing shows them, `namespace` being `boundNs/boundPkg`).
 */
export function bindingActionNames(
  binding: PackageBinding,
  boundActions: readonly { readonly namespace: string; readonly name: string }[],
): string[] {
  const inBound = packagedNamespace(binding.bound);
  return boundActions
    .filter((action) => action.namespace === inBound)
    .map((action) => `/${binding.namespace}/${binding.name}/${action.name}`);
}
