import { describe, expect, it } from "vitest";
import { Conf, NoValue } from "@soe/runtime";
import { FakeClock } from "@soe/testing";
import { mulberry32 } from "@soe/reference";
import { InvalidTableConf, InvalidTableType, makeForwardingTable } from "./policy-factory.js";

const deps = { clock: new FakeClock().clock, rng: mulberry32(1) };
const make = (text: string) => makeForwardingTable(Conf.parse(text).conf, deps);

describe("makeForwardingTable", () => {
  // reference §10, Test/testforwardingtable.cpp test_ctor / test_pf_ctor: extra keys are accepted
  it.each([
    "type=random",
    "type=random,alpha=2,beta=1",
    "type=least-impedance,alpha=2,beta=1",
    "type=round-robin,alpha=2,beta=1",
    "type=proportional-fairness,alpha=2,beta=1",
    "type=least-impedance,probe-period=0.5,stale-period=5",
    "type=least-latency-rif",
    "type=least-latency-rif,alpha=1,beta=1,choices=3,smoothing=0.5,stale-period=2",
  ])("builds a table from %j", (text) => {
    const table = make(text);
    expect(table.type).toBe(Conf.parse(text).conf.get("type"));
    table.change("l", "d", 1, true);
    expect(table.select("l")).toBe("d");
  });

  it("rejects a least-latency-rif smoothing outside (0, 1]", () => {
    expect(() => make("type=least-latency-rif,smoothing=0")).toThrow(/smoothing/);
    expect(() => make("type=least-latency-rif,smoothing=2")).toThrow(InvalidTableConf);
  });

  it("requires alpha and beta for proportional-fairness", () => {
    expect(() => make("type=proportional-fairness,alpha=2")).toThrow(
      "No value found for key: beta",
    );
    expect(() => make("type=proportional-fairness,beta=1")).toThrow(NoValue);
  });

  it("rejects an unknown type, listing the allowed ones", () => {
    expect(() => make("type=fastest")).toThrow(InvalidTableType);
    expect(() => make("type=fastest")).toThrow(/random, least-impedance, round-robin/);
  });

  it("requires a type", () => {
    expect(() => make("alpha=1")).toThrow("No value found for key: type");
  });
});
