/**
 * The set of actions a wsk-computer offers, as fully qualified names (`/guest/copy`,
 * `/guest/pkg/action`). Kept sorted, so that equal sets announce identical container lists: the
 * controller only refreshes the lease for an identical re-announcement (same order included).
 */
export type ActionSet = readonly string[];

export interface ActionSetDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Sorted (by code unit, like the controller's text order) and without duplicates. */
export function actionSetOf(names: Iterable<string>): ActionSet {
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What `after` adds to and removes from `before`, both sorted. */
export function diffActionSets(before: ActionSet, after: ActionSet): ActionSetDiff {
  const old = new Set(before);
  const now = new Set(after);
  return {
    added: after.filter((name) => !old.has(name)),
    removed: before.filter((name) => !now.has(name)),
  };
}

export function sameActionSet(a: ActionSet, b: ActionSet): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
