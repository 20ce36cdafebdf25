import {
  type ActionSummary,
  actionNameOfListing,
  DEFAULT_NAMESPACE,
  formatActionName,
  type OpenWhiskClient,
} from "@soe/openwhisk";
import { type ActionSet, actionSetOf, diffActionSets, sameActionSet } from "./action-set.js";
import {
  bindingActionNames,
  bindingsOf,
  type PackageBinding,
  packagedNamespace,
} from "./binding-actions.js";

/**
 * What the last listing of the OpenWhisk server showed: its actions, or that it could not be
 * listed (unreachable, timed out, key refused, broken answer). DESIGN §4: a change of either kind
 * is re-announced, so an OpenWhisk that goes away stops receiving traffic.
 */
export type ActionView =
  | {
      readonly reachable: true;
      readonly actions: ActionSet;
      /**
       * Those of `actions` in published plain packages, which other namespaces may invoke too
       * (announced apart, so the proxy lets their keys through). Absent: none.
       */
      readonly public?: ActionSet;
    }
  | { readonly reachable: false; readonly reason: string };

export interface ActionChange {
  readonly before: ActionView | undefined;
  readonly after: ActionView;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** The lambdas a view offers: none while the server cannot be listed. */
export function lambdasOf(view: ActionView | undefined): ActionSet {
  return view?.reachable === true ? view.actions : [];
}

/** Those of {@link lambdasOf} other namespaces may invoke. */
export function publicLambdasOf(view: ActionView | undefined): ActionSet {
  return view?.reachable === true ? (view.public ?? []) : [];
}

/**
 * The change from one view to the next, or undefined when nothing that is announced changed.
 * Only the set of names counts (a new version of an action is the same lambda, as in reference
 * §6.4); a second failure with another reason is no change either.
 */
export function viewChange(
  before: ActionView | undefined,
  after: ActionView,
): ActionChange | undefined {
  if (before !== undefined && before.reachable === after.reachable) {
    if (!before.reachable) return undefined;
    if (
      after.reachable &&
      sameActionSet(before.actions, after.actions) &&
      sameActionSet(before.public ?? [], after.public ?? [])
    ) {
      return undefined;
    }
  }
  const diff = diffActionSets(lambdasOf(before), lambdasOf(after));
  return { before, after, ...diff };
}

export interface ActionListerOptions {
  /** Default `_`: the namespace of the key, which OpenWhisk resolves; names come back resolved. */
  readonly namespace?: string;
  /** Page size, 1..200 (default 200, OpenWhisk's maximum). */
  readonly pageSize?: number;
  /** Deadline of each page, ms. */
  readonly timeoutMs?: number;
  /** Also list the packages, to announce the actions reachable through bindings (default true). */
  readonly bindings?: boolean;
  /**
   * Other namespaces whose published plain packages' actions are announced too (OpenWhisk lets
   * every key read and invoke them; `--public-namespaces`, default none here). The key's own
   * namespace among them is skipped: its actions are listed anyway, and marked public when
   * their package is published.
   */
  readonly publicNamespaces?: readonly string[];
}

type ListingClient = Pick<OpenWhiskClient, "listActions" | "listEntities">;

/**
 * Lists every action of one OpenWhisk namespace, page after page (the reference read only the
 * first page, reference §12.2), as fully qualified names: listing `_` gives each action's real
 * namespace (`guest`, or `guest/pkg` inside a package), so `/guest/copy`, `/guest/pkg/action`;
 * and the actions of each package binding under the binding's name, `/guest/binding/action`
 * (binding-actions.ts), when the bound package can be listed with this key.
 */
export class ActionLister {
  readonly #client: ListingClient;
  readonly #options: ActionListerOptions;
  #current: ActionView | undefined;

  constructor(client: ListingClient, options: ActionListerOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  /** The last view, undefined before the first listing ended. */
  get current(): ActionView | undefined {
    return this.#current;
  }

  /** One listing; never throws: a failure is a view too. */
  async list(): Promise<ActionView> {
    const { namespace = DEFAULT_NAMESPACE, pageSize, timeoutMs } = this.#options;
    try {
      const entries = await this.#client.listActions(namespace, {
        ...(pageSize === undefined ? {} : { limit: pageSize }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      const names = entries.map((entry) => formatActionName(actionNameOfListing(entry)));
      const published: string[] = [];
      if (this.#options.bindings !== false || this.#options.publicNamespaces?.length) {
        const packages = await this.#client.listEntities("packages", namespace, this.#paging());
        if (this.#options.bindings !== false) {
          names.push(...(await this.#bindingActions(packages, entries)));
        }
        published.push(...publishedActionNames(packages, entries));
      }
      for (const other of this.#options.publicNamespaces ?? []) {
        if (other === namespace || isOwnNamespace(other, entries)) continue;
        published.push(...(await this.#publicActions(other)));
      }
      names.push(...published);
      const actions = actionSetOf(names);
      if (published.length === 0) return { reachable: true, actions };
      return { reachable: true, actions, public: actionSetOf(published) };
    } catch (error) {
      // OpenWhisk errors name the URL, never the key (@soe/openwhisk errors.ts).
      return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  #paging(): { limit?: number; timeoutMs?: number } {
    const { pageSize, timeoutMs } = this.#options;
    return {
      ...(pageSize === undefined ? {} : { limit: pageSize }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
  }

  /**
   * The actions of another namespace's published plain packages. A namespace that cannot be
   * listed (unknown, refused, down) offers nothing: the key's own listing still counts, and a
   * failure here must not make this OpenWhisk look unreachable.
   */
  async #publicActions(namespace: string): Promise<string[]> {
    const paging = this.#paging();
    try {
      const packages = await this.#client.listEntities("packages", namespace, paging);
      const names: string[] = [];
      for (const pkg of publishedPackages(packages)) {
        const actions = await this.#client.listActions(namespace, {
          ...paging,
          packageName: pkg.name,
        });
        names.push(...actions.map((entry) => formatActionName(actionNameOfListing(entry))));
      }
      return names;
    } catch {
      return [];
    }
  }

  async #bindingActions(
    packages: readonly Readonly<Record<string, unknown>>[],
    ownActions: readonly ActionSummary[],
  ): Promise<string[]> {
    const paging = this.#paging();
    const names: string[] = [];
    for (const binding of bindingsOf(packages)) {
      // A package of our namespace: its actions are in the listing we have.
      if (binding.bound.namespace === binding.namespace) {
        names.push(...bindingActionNames(binding, ownActions));
        continue;
      }
      const bound = await this.#boundActions(binding, paging);
      names.push(...bindingActionNames(binding, bound));
    }
    return names;
  }

  /**
   * The actions of another namespace's bound package. A package this key may not list (not
   * published, gone) offers nothing to announce; invoking through the binding would fail alike.
   */
  async #boundActions(
    binding: PackageBinding,
    paging: { limit?: number; timeoutMs?: number },
  ): Promise<readonly ActionSummary[]> {
    try {
      return await this.#client.listActions(binding.bound.namespace, {
        ...paging,
        packageName: binding.bound.name,
      });
    } catch {
      return [];
    }
  }

  /** Lists, remembers the view, and tells what changed since the previous one. */
  async refresh(): Promise<ActionChange | undefined> {
    const after = await this.list();
    const change = viewChange(this.#current, after);
    this.#current = after;
    return change;
  }
}

/** The published plain packages of a listing (a binding is never public: OpenWhisk hides them). */
function publishedPackages(
  packages: readonly Readonly<Record<string, unknown>>[],
): { readonly namespace: string; readonly name: string }[] {
  const out: { namespace: string; name: string }[] = [];
  for (const { namespace, name, publish, binding } of packages) {
    if (typeof namespace !== "string" || typeof name !== "string" || publish !== true) continue;
    if (typeof binding === "object" && binding !== null && Object.keys(binding).length > 0)
      continue;
    out.push({ namespace, name });
  }
  return out;
}

/** The key's own actions that sit in its published plain packages. */
function publishedActionNames(
  packages: readonly Readonly<Record<string, unknown>>[],
  ownActions: readonly ActionSummary[],
): string[] {
  const published = new Set(publishedPackages(packages).map(packagedNamespace));
  return ownActions
    .filter((entry) => published.has(entry.namespace))
    .map((entry) => formatActionName(actionNameOfListing(entry)));
}

/** Whether the listing of `_` shows `namespace` to be the key's own. */
function isOwnNamespace(namespace: string, ownActions: readonly ActionSummary[]): boolean {
  return ownActions.some(
    (entry) => entry.namespace === namespace || entry.namespace.startsWith(`${namespace}/`),
  );
}
