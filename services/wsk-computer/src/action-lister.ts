import {
  actionNameOfListing,
  DEFAULT_NAMESPACE,
  formatActionName,
  type OpenWhiskClient,
} from "@soe/openwhisk";
import { type ActionSet, actionSetOf, diffActionSets, sameActionSet } from "./action-set.js";

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
}

/**
 * Lists every action of one OpenWhisk namespace, page after page (the reference read only the
 * first page, reference §12.2), as fully qualified names: listing `_` gives each action's real
 * namespace (`guest`, or `guest/pkg` inside a package), so `/guest/copy`, `/guest/pkg/action`.
 */
export class ActionLister {
  readonly #client: Pick<OpenWhiskClient, "listActions">;
  readonly #options: ActionListerOptions;
  #current: ActionView | undefined;

  constructor(client: Pick<OpenWhiskClient, "listActions">, options: ActionListerOptions = {}) {
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
      return { reachable: true, actions: actionSetOf(names) };
    } catch (error) {
      // OpenWhisk errors name the URL, never the key (@soe/openwhisk errors.ts).
      return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
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
