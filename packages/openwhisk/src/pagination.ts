/** OpenWhisk pages lists with `limit` (at most 200) and `skip`. */
export const MAX_PAGE_SIZE = 200;

export interface PageWalk<T> {
  /** Items asked per page, 1..200; a page shorter than this is the last one. */
  readonly pageSize: number;
  /** Stop (and report `truncated`) after this many items, so a server that ignores `skip` cannot loop us forever. */
  readonly maxItems: number;
  readonly fetchPage: (skip: number, limit: number) => Promise<readonly T[]>;
  /**
   * Identity of an item. Lists are ordered by last update, so an entity updated while we walk moves
   * to the front and shifts the rest: the same item can then show up on two pages; keep the first.
   */
  readonly keyOf?: (item: T) => string;
}

export interface PageWalkResult<T> {
  readonly items: T[];
  readonly pages: number;
  readonly truncated: boolean;
}

/** Fetches pages until a short one (the reference stopped after the first page; DESIGN §4 fixes that). */
export async function walkPages<T>(walk: PageWalk<T>): Promise<PageWalkResult<T>> {
  const { pageSize, maxItems, fetchPage, keyOf } = walk;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`page size must be an integer in 1..${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  const items: T[] = [];
  const seen = new Set<string>();
  let skip = 0;
  let pages = 0;
  for (;;) {
    const page = await fetchPage(skip, pageSize);
    pages += 1;
    for (const item of page) {
      if (keyOf !== undefined) {
        const key = keyOf(item);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      items.push(item);
    }
    if (page.length < pageSize) return { items, pages, truncated: false };
    skip += page.length;
    if (skip >= maxItems) return { items, pages, truncated: true };
  }
}
