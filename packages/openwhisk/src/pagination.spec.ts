import { describe, expect, it } from "vitest";
import { walkPages } from "./pagination.js";

function pagedSource(total: number) {
  const calls: [number, number][] = [];
  const items = Array.from({ length: total }, (_, i) => `a${i}`);
  return {
    calls,
    fetchPage: async (skip: number, limit: number) => {
      calls.push([skip, limit]);
      return items.slice(skip, skip + limit);
    },
  };
}

describe("walkPages", () => {
  it("walks until a short page", async () => {
    const source = pagedSource(450);
    const result = await walkPages({
      pageSize: 200,
      maxItems: 10_000,
      fetchPage: source.fetchPage,
    });
    expect(result.items).toHaveLength(450);
    expect(result.items[449]).toBe("a449");
    expect(source.calls).toEqual([
      [0, 200],
      [200, 200],
      [400, 200],
    ]);
    expect(result.truncated).toBe(false);
  });

  it("asks one more (empty) page when the total is a multiple of the page size", async () => {
    const source = pagedSource(400);
    const result = await walkPages({
      pageSize: 200,
      maxItems: 10_000,
      fetchPage: source.fetchPage,
    });
    expect(result.items).toHaveLength(400);
    expect(source.calls.map(([skip]) => skip)).toEqual([0, 200, 400]);
  });

  it("makes one call for an empty list", async () => {
    const source = pagedSource(0);
    const result = await walkPages({ pageSize: 30, maxItems: 10_000, fetchPage: source.fetchPage });
    expect(result).toEqual({ items: [], pages: 1, truncated: false });
  });

  it("stops at maxItems when the server keeps returning full pages", async () => {
    let calls = 0;
    const result = await walkPages({
      pageSize: 2,
      maxItems: 6,
      fetchPage: async () => {
        calls += 1;
        return ["same", "page"];
      },
    });
    expect(result.truncated).toBe(true);
    expect(calls).toBe(3);
  });

  it("drops an item seen twice when the list shifted between pages", async () => {
    const pages = [["c", "b"], ["b", "a"], []];
    const result = await walkPages({
      pageSize: 2,
      maxItems: 100,
      keyOf: (item: string) => item,
      fetchPage: async () => pages.shift() ?? [],
    });
    expect(result.items).toEqual(["c", "b", "a"]);
  });

  it("refuses page sizes OpenWhisk would reject", async () => {
    const fetchPage = async () => [];
    await expect(walkPages({ pageSize: 0, maxItems: 1, fetchPage })).rejects.toThrow(RangeError);
    await expect(walkPages({ pageSize: 201, maxItems: 1, fetchPage })).rejects.toThrow(RangeError);
  });
});
