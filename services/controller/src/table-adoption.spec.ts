import { describe, expect, it } from "vitest";
import { computersInTable } from "./table-adoption.js";

const row = (lambda: string, destination: string, final = true) => ({ lambda, destination, final });

describe("computersInTable", () => {
  it("groups final pairs by destination, lambdas once each, in table order", () => {
    const rows = [row("l1", "c2:1"), row("l0", "c1:1"), row("l1", "c1:1"), row("l0", "c1:1")];
    expect(computersInTable(rows, () => false)).toEqual([
      { endpoint: "c2:1", lambdas: ["l1"] },
      { endpoint: "c1:1", lambdas: ["l0", "l1"] },
    ]);
  });

  it("leaves out non-final pairs: they name routers in hierarchical topologies", () => {
    const rows = [row("l0", "home:6473", false), row("l0", "c1:1")];
    expect(computersInTable(rows, () => false)).toEqual([{ endpoint: "c1:1", lambdas: ["l0"] }]);
  });

  it("leaves out a final destination that is a known router", () => {
    const rows = [row("l0", "r2:6473"), row("l0", "c1:1")];
    const routers = new Set(["r2:6473"]);
    expect(computersInTable(rows, (e) => routers.has(e))).toEqual([
      { endpoint: "c1:1", lambdas: ["l0"] },
    ]);
  });

  it("skips rows without a lambda or a destination", () => {
    expect(computersInTable([row("", "c1:1"), row("l0", "")], () => false)).toEqual([]);
  });
});
