import { Writable } from "node:stream";
import { Conf, createLogger } from "@soe/runtime";
import { ManualTime } from "@soe/testing";
import { describe, expect, it, vi } from "vitest";
import { DestinationHealth } from "./destination-health.js";
import { makeLocalOptimizer } from "./optimizers/optimizer-factory.js";
import { TableUpkeep } from "./table-upkeep.js";
import { tablesServing } from "../test/tables.js";

function setup(optimizerConf = "type=none") {
  const time = new ManualTime();
  const tables = tablesServing("clambda0", ["a:6473", "b:6473"], {
    clock: time.clock,
    makeOptimizer: (table) => makeLocalOptimizer(Conf.parse(optimizerConf).conf, table, time.clock),
  });
  const health = new DestinationHealth(time.clock, { initialMs: 500, maxMs: 30_000, jitter: 0 });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: "test", level: "info", pretty: false, destination });
  const upkeep = new TableUpkeep({
    tables,
    health,
    clock: time.clock,
    schedule: time.schedule,
    logger,
  });
  const eject = (destination: string) => {
    health.failed(destination, tables.eject(destination));
    upkeep.ejected();
  };
  const destinations = () => tables.rows(0).map((row) => row.destination);
  return { time, tables, upkeep, eject, destinations, lines };
}

describe("TableUpkeep", () => {
  it("puts an ejected destination back when its probe is due, not before", () => {
    const { time, eject, destinations, lines } = setup();
    eject("b:6473");
    expect(destinations()).toEqual(["a:6473"]);
    time.advanceTo(499);
    expect(destinations()).toEqual(["a:6473"]);
    time.advanceTo(500);
    expect(destinations()).toEqual(["a:6473", "b:6473"]);
    expect(lines.join("")).toContain('"destination":"b:6473","msg":"probing ejected destination"');
  });

  it("keeps one probe timer, at the earliest probe, however many ejections", () => {
    const { time, eject, destinations } = setup();
    eject("b:6473");
    time.advanceTo(200);
    eject("a:6473");
    expect(time.pending).toBe(1);
    time.advanceTo(500);
    expect(destinations()).toEqual(["b:6473"]);
    time.advanceTo(700);
    expect(destinations()).toEqual(["a:6473", "b:6473"]);
    expect(time.pending).toBe(0);
  });

  it("polls the optimizers when they are due, and only then", () => {
    const { time, tables, upkeep } = setup("type=trivial,period=10,stat=mean");
    const poll = vi.spyOn(tables, "poll");
    upkeep.start();
    const first = tables.nextDueAt() ?? Number.NaN;
    expect(first).toBeGreaterThan(0);
    time.advanceTo(first - 1);
    expect(poll).not.toHaveBeenCalled();
    time.advanceTo(first);
    expect(poll).toHaveBeenCalledTimes(1);
    time.advanceTo(first * 3);
    expect(poll).toHaveBeenCalledTimes(3);
  });

  it("waits for nothing when no optimizer has periodic work", () => {
    const { time, upkeep } = setup("type=none");
    upkeep.start();
    expect(time.pending).toBe(0);
  });

  it("leaves no timer behind on close", () => {
    const { time, upkeep, eject } = setup("type=trivial,period=10,stat=mean");
    upkeep.start();
    eject("b:6473");
    expect(time.pending).toBe(2);
    upkeep.close();
    expect(time.pending).toBe(0);
    upkeep.ejected();
    expect(time.pending).toBe(0);
  });
});
