import { describe, expect, it } from "vitest";
import { ActionLister } from "./action-lister.js";

function source(lists: Array<string[] | Error>) {
  const state = { calls: 0 };
  const next = async () => {
    const list = lists[Math.min(state.calls, lists.length - 1)] as string[] | Error;
    state.calls++;
    if (list instanceof Error) throw list;
    return list;
  };
  return Object.assign(next, { state });
}

describe("ActionLister", () => {
  it("knows nothing without a controller", async () => {
    const lister = new ActionLister({ source: undefined });
    expect(lister.configured).toBe(false);
    expect(await lister.catalog()).toEqual([]);
    expect(await lister.has("/guest/copy")).toBeUndefined();
  });

  it("reuses a listing for ttlMs, and shares one call among concurrent readers", async () => {
    let now = 0;
    const list = source([["/guest/copy"], ["/guest/copy", "/guest/echo"]]);
    const lister = new ActionLister({ source: list, ttlMs: 100, clock: () => now });
    await Promise.all([lister.catalog(), lister.catalog(), lister.catalog()]);
    expect(list.state.calls).toBe(1);
    now = 99;
    expect((await lister.catalog()).map((e) => e.name)).toEqual(["/guest/copy"]);
    now = 100;
    expect(await lister.catalog()).toEqual([
      { name: "/guest/copy", firstSeen: 0 },
      { name: "/guest/echo", firstSeen: 100 },
    ]);
    expect(list.state.calls).toBe(2);
  });

  it("counts a lambda that left and came back as new", async () => {
    let now = 0;
    const list = source([["/guest/copy"], [], ["/guest/copy"]]);
    const lister = new ActionLister({ source: list, ttlMs: 1, clock: () => now });
    await lister.catalog();
    now = 5;
    await lister.catalog();
    now = 10;
    expect(await lister.catalog()).toEqual([{ name: "/guest/copy", firstSeen: 10 }]);
  });

  it("does not cache a failure, and says 'unknown' from has() while failing", async () => {
    const list = source([new Error("down"), ["/guest/copy"]]);
    const lister = new ActionLister({ source: list, ttlMs: 1000, clock: () => 0 });
    await expect(lister.catalog()).rejects.toThrow("down");
    expect(await lister.catalog()).toEqual([{ name: "/guest/copy", firstSeen: 0 }]);
    const failing = new ActionLister({ source: source([new Error("down")]) });
    expect(await failing.has("/guest/copy")).toBeUndefined();
  });

  it("checks a miss against a fresh listing before denying", async () => {
    const list = source([
      ["/guest/copy"],
      ["/guest/copy", "/guest/new"],
      ["/guest/copy", "/guest/new"],
    ]);
    const lister = new ActionLister({ source: list, ttlMs: 1000, clock: () => 0 });
    await lister.catalog();
    expect(await lister.has("/guest/new")).toBe(true);
    expect(list.state.calls).toBe(2);
    expect(await lister.has("/guest/copy")).toBe(true);
    expect(await lister.has("/guest/none")).toBe(false);
    expect(list.state.calls).toBe(3);
  });
  it("hides a removed lambda while the controller still offers it, until a listing drops it", async () => {
    let now = 0;
    const list = source([
      ["/guest/a", "/guest/b"],
      ["/guest/a", "/guest/b"],
      ["/guest/b"],
      ["/guest/a", "/guest/b"],
    ]);
    const lister = new ActionLister({ source: list, ttlMs: 10, hideMs: 1000, clock: () => now });
    expect((await lister.catalog()).map((e) => e.name)).toEqual(["/guest/a", "/guest/b"]);
    lister.hide("/guest/a");
    expect((await lister.catalog()).map((e) => e.name)).toEqual(["/guest/b"]);
    expect(await lister.has("/guest/a")).toBe(false);
    now = 10;
    expect((await lister.catalog()).map((e) => e.name)).toEqual(["/guest/b"]);
    now = 20;
    // The computers stopped announcing it: hiding ended, so an installation adding it back shows.
    expect((await lister.catalog()).map((e) => e.name)).toEqual(["/guest/a", "/guest/b"]);
  });

  it("hides for hideMs at most, and shows a lambda deployed anew at once", async () => {
    let now = 0;
    const lister = new ActionLister({
      source: async () => ["/guest/a"],
      ttlMs: 10,
      hideMs: 100,
      clock: () => now,
    });
    lister.hide("/guest/a");
    expect(await lister.catalog()).toEqual([]);
    now = 100;
    expect((await lister.catalog()).map((e) => e.name)).toEqual(["/guest/a"]);
    lister.hide("/guest/a");
    expect(await lister.catalog()).toEqual([]);
    lister.reveal("/guest/a");
    expect((await lister.catalog()).map((e) => e.name)).toEqual(["/guest/a"]);
  });
});

describe("ActionLister public offers", () => {
  it("tells which lambdas a computer announced as public", async () => {
    let now = 0;
    let offers: { name: string; public: boolean }[] = [
      { name: "/whisk.system/utils/sort", public: true },
      { name: "/team/private/sort", public: false },
    ];
    const lister = new ActionLister({ source: async () => offers, clock: () => now });
    expect(await lister.isPublic("/whisk.system/utils/sort")).toBe(true);
    expect(await lister.isPublic("/team/private/sort")).toBe(false);
    expect(await lister.catalog()).toEqual([
      { name: "/whisk.system/utils/sort", firstSeen: 0, public: true },
      { name: "/team/private/sort", firstSeen: 0 },
    ]);
    // A cached miss is checked once more against a fresh listing.
    offers = [{ name: "/team/private/sort", public: true }];
    now = 10;
    expect(await lister.isPublic("/team/private/sort")).toBe(true);
  });

  it("is never public when the controller fails or is absent", async () => {
    const failing = new ActionLister({
      source: async () => {
        throw new Error("down");
      },
    });
    expect(await failing.isPublic("/whisk.system/utils/sort")).toBe(false);
    expect(await new ActionLister({ source: undefined }).isPublic("/a/b/c")).toBe(false);
  });
});
