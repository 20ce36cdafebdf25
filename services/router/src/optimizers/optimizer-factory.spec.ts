import { describe, expect, it } from "vitest";
import { Conf } from "@soe/runtime";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { WeightedRandomPolicy } from "../policies/weighted-random-policy.js";
import { InvalidOptimizerConf, makeLocalOptimizer } from "./optimizer-factory.js";

const setup = () => {
  const time = new FakeClock(0);
  const table = new ForwardingTable("random", () => new WeightedRandomPolicy(() => 0));
  table.change("l", "a", 1, true);
  table.change("l", "b", 1, true);
  table.change("m", "a", 1, true);
  const weight = (lambda: string, destination: string) =>
    table.destinations(lambda).find((d) => d.destination === destination)?.weight;
  return { time, table, weight };
};

describe("makeLocalOptimizer", () => {
  const { time, table } = setup();
  const make = (text: string) => makeLocalOptimizer(Conf.parse(text).conf, table, time.clock);

  it.each([
    ["type=none", "none"],
    ["type=trivial,period=10,stat=mean", "trivial"],
    ["type=async,alpha=0.5", "async"],
    ["type=asyncPF", "asyncPF"],
  ])("builds %j", (text, type) => {
    expect(make(text).type).toBe(type);
  });

  it("requires the keys of each type", () => {
    expect(() => make("type=trivial,stat=mean")).toThrow("No value found for key: period");
    expect(() => make("type=trivial,period=10")).toThrow("No value found for key: stat");
    expect(() => make("type=async")).toThrow("No value found for key: alpha");
  });

  it("rejects unknown types and stats", () => {
    expect(() => make("type=smart")).toThrow(InvalidOptimizerConf);
    expect(() => make("type=trivial,period=10,stat=median")).toThrow(InvalidOptimizerConf);
    expect(() => make("type=trivial,period=0,stat=mean")).toThrow(/period/);
  });
});
