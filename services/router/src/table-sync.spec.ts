import { Conf } from "@soe/runtime";
import { FakeClock } from "@soe/testing";
import { mulberry32 } from "@soe/reference";
import { describe, expect, it } from "vitest";
import { makeLocalOptimizer } from "./optimizers/optimizer-factory.js";
import { makeForwardingTable } from "./policies/policy-factory.js";
import { FINAL_TABLE, OVERALL_TABLE, type RouteChangeSet, RouterTables } from "./router-tables.js";
import { InvalidBatch, type TableBatch, TableSync, VersionMismatch } from "./table-sync.js";

const setup = () => {
  const time = new FakeClock(0);
  const tables = new RouterTables({
    makeTable: () =>
      makeForwardingTable(Conf.of({ type: "random" }), { clock: time.clock, rng: mulberry32(3) }),
    makeOptimizer: (table) =>
      makeLocalOptimizer(Conf.parse("type=trivial,period=10,stat=mean").conf, table, time.clock),
  });
  const removed: string[] = [];
  const sync = new TableSync(tables, {
    removed: (l, d) => removed.push(`${l} ${d}`),
    replaced: () => removed.push("(all)"),
  });
  const rows = (id = OVERALL_TABLE) =>
    tables.rows(id).map((r) => `${r.lambda} ${r.destination} ${r.weight}${r.final ? " F" : ""}`);
  return { tables, sync, removed, rows };
};

const set = (destination: string, lambdas: string[], final = true, weight = 1): RouteChangeSet => ({
  destination,
  lambdas,
  weight,
  final,
  remove: false,
});
const drop = (destination: string, lambdas: string[]): RouteChangeSet => ({
  destination,
  lambdas,
  weight: 0,
  final: false,
  remove: true,
});
const batch = (
  from: number,
  to: number,
  changes: RouteChangeSet[],
  more: Partial<TableBatch> = {},
): TableBatch => ({
  epoch: "e1",
  fromVersion: BigInt(from),
  toVersion: BigInt(to),
  snapshot: false,
  partial: false,
  changes,
  ...more,
});
const snapshot = (from: number, to: number, changes: RouteChangeSet[], partial = false) =>
  batch(from, to, changes, { snapshot: true, partial });

describe("TableSync", () => {
  it("starts never synced and refuses an incremental batch until a snapshot sets the epoch", () => {
    const { sync } = setup();
    expect(sync.held).toEqual({ epoch: "", version: 0n });
    expect(() => sync.apply(batch(0, 1, [set("c1:1", ["l0"])]))).toThrow(VersionMismatch);
    expect(sync.apply(snapshot(0, 1, [set("c1:1", ["l0"])])).held).toEqual({
      epoch: "e1",
      version: 1n,
    });
  });

  it("applies batches in version order with Configure's meaning of final", () => {
    const { sync, rows, removed } = setup();
    sync.apply(snapshot(0, 1, [set("c1:1", ["l0", "l1"])]));
    sync.apply(batch(1, 2, [set("r2:1", ["l0"], false), drop("c1:1", ["l1"])]));
    expect(rows()).toEqual(["l0 c1:1 1 F", "l0 r2:1 1"]);
    expect(removed).toEqual(["(all)", "l1 c1:1"]);
    expect(rows(FINAL_TABLE)).toEqual(["l0 c1:1 1 F"]);
    sync.apply(batch(2, 3, [set("c1:1", ["l0"], false, 2)]));
    expect(rows(FINAL_TABLE)).toEqual([]);
    expect(sync.held.version).toBe(3n);
  });

  it("refuses a batch that does not start at the held version, telling that version", () => {
    const { sync, rows } = setup();
    sync.apply(snapshot(0, 4, [set("c1:1", ["l0"])]));
    const error = (() => {
      try {
        sync.apply(batch(2, 5, [set("c2:1", ["l0"])]));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(VersionMismatch);
    expect((error as VersionMismatch).held).toEqual({ epoch: "e1", version: 4n });
    expect(() => sync.apply(batch(4, 5, [set("c2:1", ["l0"])], { epoch: "e2" }))).toThrow(
      VersionMismatch,
    );
    expect(rows()).toEqual(["l0 c1:1 1 F"]);
  });

  it("answers a retried batch it already applied without applying it twice", () => {
    const { sync, rows } = setup();
    sync.apply(snapshot(0, 1, [set("c1:1", ["l0"])]));
    const second = batch(1, 2, [set("c2:1", ["l0"])]);
    sync.apply(second);
    expect(sync.apply(second).held).toEqual({ epoch: "e1", version: 2n });
    expect(rows()).toEqual(["l0 c1:1 1 F", "l0 c2:1 1 F"]);
  });

  it("applies nothing of a batch with one invalid change", () => {
    const { sync, rows } = setup();
    sync.apply(snapshot(0, 1, [set("c1:1", ["l0"])]));
    const bad = batch(1, 2, [set("c2:1", ["l0"]), set("c3:1", ["l1"], true, -1)]);
    expect(() => sync.apply(bad)).toThrow(InvalidBatch);
    expect(() => sync.apply(batch(1, 2, [set("", ["l0"])]))).toThrow(InvalidBatch);
    expect(() => sync.apply(batch(1, 2, [set("c2:1", [""])]))).toThrow(InvalidBatch);
    expect(rows()).toEqual(["l0 c1:1 1 F"]);
    expect(sync.held.version).toBe(1n);
  });

  it("refuses batches whose versions make no sense", () => {
    const { sync } = setup();
    expect(() => sync.apply(snapshot(0, 0, []))).toThrow(InvalidBatch);
    expect(() => sync.apply(batch(1, 1, []))).toThrow(InvalidBatch);
    expect(() => sync.apply(batch(1, 2, [], { epoch: "" }))).toThrow(InvalidBatch);
    expect(() => sync.apply(batch(0, 1, [], { partial: true }))).toThrow(InvalidBatch);
  });

  it("keeps serving the old table while snapshot parts are staged, then swaps", () => {
    const { sync, rows, removed, tables } = setup();
    sync.apply(snapshot(0, 1, [set("old:1", ["l0"]), set("c1:1", ["l0"])]));
    removed.length = 0;
    const first = sync.apply(snapshot(0, 2, [set("c1:1", ["l0", "l1"])], true));
    expect(first).toMatchObject({ staged: true, held: { version: 1n } });
    sync.apply(snapshot(2, 3, [set("c2:1", ["l1"]), drop("c1:1", ["l1"])], true));
    expect(rows()).toEqual(["l0 c1:1 1 F", "l0 old:1 1 F"]);
    expect(sync.apply(snapshot(3, 4, [set("r9:1", ["l2"], false)])).held.version).toBe(4n);
    expect(rows()).toEqual(["l0 c1:1 1 F", "l1 c2:1 1 F", "l2 r9:1 1"]);
    expect(rows(FINAL_TABLE)).toEqual(["l0 c1:1 1 F", "l1 c2:1 1 F"]);
    expect(removed).toEqual(["(all)"]);
    expect(tables.select("l1", false)).toBe("c2:1");
  });

  it("replaces the tables as a flush then changes would, learned weights included", () => {
    const { sync, tables, rows } = setup();
    sync.apply(snapshot(0, 1, [set("c1:1", ["l0"])]));
    tables.table(OVERALL_TABLE).updateWeight("l0", "c1:1", 0.25);
    sync.apply(snapshot(0, 2, [set("c1:1", ["l0"]), set("c2:1", ["l0"])]));
    expect(rows()).toEqual(["l0 c1:1 1 F", "l0 c2:1 1 F"]);
    // The optimizers follow the new tables: their periodic work still runs.
    expect(() => tables.poll()).not.toThrow();
  });

  it("refuses a snapshot part whose earlier parts it does not hold", () => {
    const { sync } = setup();
    expect(() => sync.apply(snapshot(5, 6, [set("c1:1", ["l0"])]))).toThrow(VersionMismatch);
    sync.apply(snapshot(0, 1, [set("c1:1", ["l0"])], true));
    expect(sync.apply(snapshot(1, 2, [], true)).staged).toBe(true);
    // A new snapshot restarts the staging: parts of the old one no longer continue it.
    sync.apply(snapshot(0, 7, [set("c2:1", ["l0"])], true));
    expect(() => sync.apply(snapshot(2, 3, []))).toThrow(VersionMismatch);
    expect(sync.apply(snapshot(7, 8, [])).held.version).toBe(8n);
    expect(sync.held.epoch).toBe("e1");
  });
});
