import { describe, expect, test } from "vitest";
import { DestinationHealth } from "./destination-health.js";
import type { EjectedRoute } from "./router-tables.js";

const route = (lambda: string, table: 0 | 1 = 0): EjectedRoute => ({
  table,
  lambda,
  weight: 1,
  final: true,
});

function health() {
  let now = 0;
  const h = new DestinationHealth(() => now, { initialMs: 100, maxMs: 1000, jitter: 0 });
  return { h, advance: (ms: number) => (now += ms) };
}

describe("DestinationHealth", () => {
  test("a first failure ejects and asks for the controller to be told; later ones do not", () => {
    const { h } = health();
    expect(h.failed("c:1", [route("a")])).toBe(true);
    expect(h.failed("c:1", [route("b")])).toBe(false);
    expect(h.isEjected("c:1")).toBe(true);
    expect(h.ejectedFor("a")).toBe(1);
    expect(h.ejectedFor("b")).toBe(1);
    expect(h.ejectedFor("z")).toBe(0);
  });

  test("probes come due after the back-off, and grow while the destination keeps failing", () => {
    const { h, advance } = health();
    h.failed("c:1", [route("a"), route("a", 1)]);
    expect(h.nextProbeAt()).toBe(100);
    advance(99);
    expect(h.due()).toEqual([]);
    advance(1);
    expect(h.due()).toEqual([{ destination: "c:1", routes: [route("a"), route("a", 1)] }]);
    expect(h.isEjected("c:1")).toBe(false);
    expect(h.nextProbeAt()).toBeUndefined();
    // The probe failed: ejected again for twice as long.
    expect(h.failed("c:1", [route("a")])).toBe(false);
    expect(h.nextProbeAt()).toBe(100 + 200);
  });

  test("a success forgets the ejection", () => {
    const { h, advance } = health();
    h.failed("c:1", [route("a")]);
    advance(100);
    h.due();
    h.succeeded("c:1");
    expect(h.failed("c:1", [route("a")])).toBe(true);
    expect(h.nextProbeAt()).toBe(200);
  });

  test("routes the controller removed never come back", () => {
    const { h, advance } = health();
    h.failed("c:1", [route("a"), route("b")]);
    h.forgetRoute("a", "c:1");
    advance(100);
    expect(h.due()).toEqual([{ destination: "c:1", routes: [route("b")] }]);
    h.failed("d:1", [route("a")]);
    h.forgetRoute("a", "d:1");
    expect(h.isEjected("d:1")).toBe(false);
    h.clear();
    expect(h.nextProbeAt()).toBeUndefined();
  });
});
