import { describe, expect, it } from "vitest";
import { InstallationRegistry } from "./installation-registry.js";

function registry() {
  let now = 1_000;
  const r = new InstallationRegistry({ clock: () => now });
  return { r, advance: (ms: number) => (now += ms) };
}
const ow = (endpoint: string, labels: Record<string, string> = {}, leaseTtlMs = 300) => ({
  endpoint,
  namespace: "guest",
  labels,
  leaseTtlMs,
});

describe("installation registry", () => {
  it("tells a new registration, a changed one and a refresh apart", () => {
    const { r } = registry();
    expect(r.register(ow("ow1:1"))).toBe("added");
    expect(r.register(ow("ow1:1"))).toBe("refreshed");
    expect(r.register(ow("ow1:1", { zone: "a" }))).toBe("changed");
    expect(r.register({ ...ow("ow1:1", { zone: "a" }), namespace: "other" })).toBe("changed");
    expect(r.get("ow1:1")?.namespace).toBe("other");
  });

  it("expires each registration at the end of its own lease, refreshes extending it", () => {
    const { r, advance } = registry();
    r.register(ow("short:1", {}, 100));
    r.register(ow("long:1", {}, 300));
    r.register(ow("forever:1", {}, 0));
    advance(99);
    expect(r.expire()).toEqual([]);
    r.register(ow("long:1", {}, 300));
    advance(1);
    expect(r.expire().map((i) => i.endpoint)).toEqual(["short:1"]);
    advance(298); // refreshed at 99, so it holds until 399
    expect(r.expire()).toEqual([]);
    advance(1);
    expect(r.expire().map((i) => i.endpoint)).toEqual(["long:1"]);
    advance(1e9);
    expect(r.list().map((i) => i.endpoint)).toEqual(["forever:1"]);
  });

  it("lists by end-point, by namespace, and snapshots without leases", () => {
    const { r } = registry();
    r.register(ow("b:1", { zone: "b" }));
    r.register(ow("a:1"));
    r.register({ ...ow("c:1"), namespace: "other" });
    expect(r.list().map((i) => i.endpoint)).toEqual(["a:1", "b:1", "c:1"]);
    expect(r.serving("guest").map((i) => i.endpoint)).toEqual(["a:1", "b:1"]);
    expect(r.snapshot()[1]).toEqual(ow("b:1", { zone: "b" }));
    expect(r.unregister("a:1")).toBe(true);
    expect(r.unregister("a:1")).toBe(false);
  });
});
