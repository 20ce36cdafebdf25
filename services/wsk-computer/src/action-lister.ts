import {
  type ActionSummary,
  actionNameOfListing,
  DEFAULT_NAMESPACE,
  formatActionName,
  type OpenWhiskClient,
} from "@soe/openwhisk";
import { type ActionSet, actionSetOf, diffActionSets, sameActionSet } from "./action-set.js";
import { bindingActionNames, bindingsOf, type PackageBinding } from "./binding-actions.js";

/**
 * What the last listing of the OpenWhisk server showed: its actions, or that it could not be
 * listed (unreachable, timed out, key refused, broken answer). DESIGN §4: a change of either kind
 * is re-announced, so an OpenWhisk that goes away stops receiving traffic.
 */
export type ActionView =
  | { readonly reachable: true; readonly actions: ActionSet }
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
    if (after.reachable && sameActionSet(before.actions, after.actions)) return undefined;
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
      if (this.#options.bindings !== false) names.push(...(await this.#bindingActions(entries)));
      return { reachable: true, actions: actionSetOf(names) };
    } catch (error) {
      // OpenWhisk errors name the URL, never the key (@soe/openwhisk errors.ts).
      return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async #bindingActions(ownActions: readonly ActionSummary[]): Promise<string[]> {
    const { namespace = DEFAULT_NAMESPACE, pageSize, timeoutMs } = this.#options;
    const paging = {
      ...(pageSize === undefined ? {} : { limit: pageSize }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
    const packages = await this.#client.listEntities("packages", namespace, paging);
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
