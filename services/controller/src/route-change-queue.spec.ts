import { describe, expect, it } from "vitest";
import type { RouteEntry, RouterOp } from "./install-plan.js";
import { RouteChangeQueue, type TakenChanges } from "./route-change-queue.js";

const entries = (destination: string, ...lambdas: string[]): RouteEntry[] =>
  lambdas.map((lambda) => ({ lambda, destination, weight: 1, final: true }));
const change = (destination: string, ...lambdas: string[]): RouterOp => ({
  kind: "change",
  entries: entries(destination, ...lambdas),
});
const remove = (destination: string, ...lambdas: string[]): RouterOp => ({
  kind: "remove",
  destination,
  lambdas,
});
const flush: RouterOp = { kind: "flush" };

/** A batch in the notation `+D:l0,l1` (final, weight 1), `~D:l0` (non-final), `-D:l0`. */
const show = (taken: TakenChanges) =>
  `${taken.snapshot ? "snapshot " : ""}${taken.changes
    .map((c) => `${c.remove ? "-" : c.final ? "+" : "~"}${c.destination}:${c.lambdas.join(",")}`)
    .join(" ")}`;

describe("RouteChangeQueue", () => {
  it("groups a burst of announcements into one batch per destination", () => {
    const queue = new RouteChangeQueue();
    queue.push([change("c1", "l0", "l1")]);
    queue.push([change("c2", "l0")]);
    expect(queue.pairs).toBe(3);
    const taken = queue.take(10_000);
    expect(show(taken)).toBe("+c1:l0,l1 +c2:l0");
    expect(taken.pairs).toBe(3);
    expect(queue.empty).toBe(true);
    expect(queue.pairs).toBe(0);
  });

  it("sends each pair once, as its last change left it", () => {
    const queue = new RouteChangeQueue();
    queue.push([change("c1", "l0", "l1")]);
    queue.push([remove("c1", "l0", "l1")]);
    queue.push([change("c1", "l1")]);
    queue.push([
      { kind: "change", entries: [{ lambda: "l2", destination: "r2", weight: 1, final: false }] },
    ]);
    expect(show(queue.take(100))).toBe("-c1:l0 +c1:l1 ~r2:l2");
  });

  it("bounds a batch by pairs, splitting a large operation across batches in order", () => {
    const queue = new RouteChangeQueue();
    queue.push([change("c1", "l0", "l1", "l2", "l3", "l4"), remove("c0", "l9")]);
    expect(show(queue.take(2))).toBe("+c1:l0,l1");
    expect(show(queue.take(2))).toBe("+c1:l2,l3");
    expect(queue.pairs).toBe(2);
    expect(show(queue.take(2))).toBe("+c1:l4 -c0:l9");
    expect(queue.empty).toBe(true);
  });

  it("drops what a flush supersedes and starts a snapshot with it", () => {
    const queue = new RouteChangeQueue();
    queue.push([change("c1", "l0")]);
    queue.push([flush, change("c2", "l0"), remove("c9", "l9")]);
    expect(queue.pairs).toBe(2);
    const taken = queue.take(1);
    expect(show(taken)).toBe("snapshot +c2:l0");
    // The rest of the snapshot: the caller knows it continues one.
    expect(show(queue.take(1))).toBe("-c9:l9");
  });

  it("takes a lone flush as an empty snapshot", () => {
    const queue = new RouteChangeQueue();
    queue.push([flush]);
    expect(queue.empty).toBe(false);
    expect(queue.take(10)).toEqual({ snapshot: true, changes: [], pairs: 0 });
    expect(queue.empty).toBe(true);
  });

  it("keeps its order across many small batches (compaction)", () => {
    const queue = new RouteChangeQueue();
    for (let i = 0; i < 3000; i++) queue.push([change(`c${i}`, "l0")]);
    const seen: string[] = [];
    while (!queue.empty) for (const c of queue.take(1).changes) seen.push(c.destination);
    expect(seen).toHaveLength(3000);
    expect(seen[0]).toBe("c0");
    expect(seen[2999]).toBe("c2999");
  });
});
