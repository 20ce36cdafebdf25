import { describe, expect, it } from "vitest";
import { actionSetOf, diffActionSets, sameActionSet } from "./action-set.js";

describe("action sets", () => {
  it("sorts and removes duplicates, so equal sets compare equal whatever the listing order", () => {
    const a = actionSetOf(["/guest/b", "/guest/a", "/guest/pkg/c", "/guest/a"]);
    expect(a).toEqual(["/guest/a", "/guest/b", "/guest/pkg/c"]);
    expect(sameActionSet(a, actionSetOf(["/guest/pkg/c", "/guest/b", "/guest/a"]))).toBe(true);
  });

  it("tells sets of different sizes or members apart", () => {
    expect(sameActionSet(["/g/a"], ["/g/a", "/g/b"])).toBe(false);
    expect(sameActionSet(["/g/a"], ["/g/b"])).toBe(false);
    expect(sameActionSet([], [])).toBe(true);
  });

  it("diffs into added and removed names", () => {
    expect(diffActionSets(["/g/a", "/g/b"], ["/g/b", "/g/c"])).toEqual({
      added: ["/g/c"],
      removed: ["/g/a"],
    });
    expect(diffActionSets(["/g/a"], ["/g/a"])).toEqual({ added: [], removed: [] });
  });
});
