import { EdgeRouterConf_Action } from "@soe/proto";
import { describe, expect, it, test } from "vitest";
import { Conf } from "@soe/runtime";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "./forwarding-table.js";
import { NoDestinations } from "./forwarding-table-errors.js";
import { NoneOptimizer } from "./optimizers/local-optimizer.js";
import { makeLocalOptimizer } from "./optimizers/optimizer-factory.js";
import { makeForwardingTable } from "./policies/policy-factory.js";
import { FINAL_TABLE, OVERALL_TABLE, RouterTables } from "./router-tables.js";
import { WeightedRandomPolicy } from "./policies/weighted-random-policy.js";
import { formatTableDump, mulberry32 } from "@soe/reference";

const { CHANGE, REMOVE, FLUSH } = EdgeRouterConf_Action;

const setup = (optimizerConf = "type=trivial,period=10,stat=mean") => {
  const time = new FakeClock(0);
  const tables = new RouterTables({
    makeTable: () =>
      makeForwardingTable(Conf.of({ type: "random" }), { clock: time.clock, rng: mulberry32(3) }),
    makeOptimizer: (table) => makeLocalOptimizer(Conf.parse(optimizerConf).conf, table, time.clock),
  });
  const change = (lambda: string, destination: string, weight: number, final: boolean) =>
    tables.configure({ action: CHANGE, lambda, destination, weight, final });
  const dump = () => formatTableDump([tables.rows(0), tables.rows(1)]);
  return { time, tables, change, dump };
};

describe("RouterTables", () => {
  // reference §3.2 / §3.6: CHANGE final → both tables, non-final → #0 only; REMOVE/FLUSH → both
  it("installs final pairs in both tables and non-final ones in the overall table only", () => {
    const { tables, change, dump } = setup();
    expect(change("lambda0", "host0:10000", 1, true)).toBe("OK");
    expect(change("lambda0", "host2:6473", 1, false)).toBe("OK");
    expect(dump()).toBe(
      "Table#0\n" +
        "lambda0 [1] host0:10000 (F)\n" +
        "        [1] host2:6473\n" +
        "Table#1\n" +
        "lambda0 [1] host0:10000 (F)\n",
    );

    expect(
      tables.configure({
        action: REMOVE,
        lambda: "lambda0",
        destination: "host0:10000",
        weight: 0,
        final: false,
      }),
    ).toBe("OK");
    expect(dump()).toBe("Table#0\nlambda0 [1] host2:6473\nTable#1\n");

    change("lambda1", "host0:10000", 1, true);
    expect(
      tables.configure({ action: FLUSH, lambda: "", destination: "", weight: 0, final: false }),
    ).toBe("OK");
    expect(dump()).toBe("Table#0\nTable#1\n");
  });

  it("answers table errors in Return.msg as 'Error: <text>'", () => {
    const { change } = setup();
    expect(change("lambda0", "", 1, true)).toBe(
      "Error: Invalid destination towards '' with weight 1",
    );
    expect(change("lambda0", "d", -1, true)).toBe("Error: Invalid weight '-1', must be > 0");
  });

  it("answers an unknown action with an error", () => {
    const { tables } = setup();
    expect(
      tables.configure({
        action: 7 as EdgeRouterConf_Action,
        lambda: "l",
        destination: "d",
        weight: 1,
        final: true,
      }),
    ).toBe("Error: Unknown action 7");
  });

  it("drops a pair from the final table when it is changed to non-final", () => {
    const { tables, change } = setup();
    change("lambda0", "host2:6473", 1, true);
    change("lambda0", "host2:6473", 1, false);
    expect(tables.rows(FINAL_TABLE)).toEqual([]);
    expect(tables.rows(OVERALL_TABLE)).toEqual([
      { lambda: "lambda0", destination: "host2:6473", weight: 1, final: false },
    ]);
  });

  it("looks up the final table for forwarded requests and the overall one for client requests", () => {
    const { tables, change } = setup();
    change("lambda0", "host2:6473", 1, false);
    expect(tables.select("lambda0", false)).toBe("host2:6473");
    expect(() => tables.select("lambda0", true)).toThrow(NoDestinations);
  });

  it("keeps latency learning apart per table (why docs/example.md shows 1 in table #1)", () => {
    const { time, tables, change, dump } = setup();
    change("clambda0", "127.0.0.1:10000", 1, true);
    tables.succeeded("clambda0", "127.0.0.1:10000", false, 0.106305);
    expect(tables.nextDueAt()).toBe(10_000);
    time.advance(10_000);
    const [overall, final] = tables.poll();
    expect(overall.updated).toBe(1);
    expect(final.updated).toBe(0);
    expect(dump()).toBe(
      "Table#0\nclambda0 [0.106305] 127.0.0.1:10000 (F)\nTable#1\nclambda0 [1] 127.0.0.1:10000 (F)\n",
    );
  });

  it("evicts a failed destination from both tables", () => {
    const { tables, change } = setup("type=none");
    change("l", "a", 1, true);
    change("l", "b", 1, true);
    tables.evict("l", "a");
    expect(tables.rows(0).map((r) => r.destination)).toEqual(["b"]);
    expect(tables.rows(1).map((r) => r.destination)).toEqual(["b"]);
    expect(tables.nextDueAt()).toBeUndefined();
  });

  it("returns an empty list for an unknown table id", () => {
    const { tables, change } = setup();
    change("l", "a", 1, true);
    expect(tables.rows(2)).toEqual([]);
    expect(tables.numTables).toBe(2);
  });
});

describe("RouterTables eject and restore", () => {
  test("takes a destination out of every lambda of both tables and puts it back", () => {
    const tables = new RouterTables({
      makeTable: () => new ForwardingTable("random", () => new WeightedRandomPolicy(() => 0.5)),
      makeOptimizer: () => new NoneOptimizer(),
    });
    const change = (lambda: string, destination: string, weight: number, final: boolean) =>
      tables.configure({
        action: EdgeRouterConf_Action.CHANGE,
        lambda,
        destination,
        weight,
        final,
      });
    change("a", "c:1", 0.5, true);
    change("b", "c:1", 2, false);
    change("a", "c:2", 1, true);
    const ejected = tables.eject("c:1");
    expect(ejected).toEqual([
      { table: 0, lambda: "a", weight: 0.5, final: true },
      { table: 0, lambda: "b", weight: 2, final: false },
      { table: 1, lambda: "a", weight: 0.5, final: true },
    ]);
    expect(tables.rows(0).map((r) => r.destination)).toEqual(["c:2"]);
    // The controller re-installed one pair meanwhile: its new weight is kept.
    change("a", "c:1", 3, true);
    tables.restore("c:1", ejected);
    expect(tables.rows(0).map((r) => [r.lambda, r.destination, r.weight])).toEqual([
      ["a", "c:1", 3],
      ["a", "c:2", 1],
      ["b", "c:1", 2],
    ]);
    expect(tables.rows(1).map((r) => [r.lambda, r.destination, r.weight])).toEqual([
      ["a", "c:1", 3],
      ["a", "c:2", 1],
    ]);
  });
});
