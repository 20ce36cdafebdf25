import { describe, expect, it } from "vitest";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { LeastImpedancePolicy } from "./least-impedance-policy.js";

const setup = () => {
  const time = new FakeClock(0);
  const table = new ForwardingTable(
    "least-impedance",
    () => new LeastImpedancePolicy(time.clock, { probePeriodMs: 1_000, stalePeriodMs: 10_000 }),
  );
  return { time, table };
};

describe("LeastImpedancePolicy", () => {
  // reference §10, Test/testforwardingtable.cpp test_access_least_impedance
  it("picks the smallest weight, again after each removal", () => {
    const { table } = setup();
    table.change("lambda1", "dest1", 6, true);
    table.change("lambda1", "dest2", 3, true);
    table.change("lambda1", "dest3", 1, true);
    expect(table.select("lambda1")).toBe("dest3");
    table.remove("lambda1", "dest3");
    expect(table.select("lambda1")).toBe("dest2");
    table.remove("lambda1", "dest2");
    expect(table.select("lambda1")).toBe("dest1");
  });

  it("breaks ties by insertion order", () => {
    const { table } = setup();
    table.change("l", "b", 1, true);
    table.change("l", "a", 1, true);
    expect([table.select("l"), table.select("l")]).toEqual(["b", "b"]);
  });

  it("probes a computer installed after the others were measured, instead of starving it", () => {
    const { time, table } = setup();
    table.change("l", "old", 1, true);
    table.updateWeight("l", "old", 0.1); // learned: 100 ms
    table.change("l", "new", 1, true); // controller's 1 s: would never win in the reference

    // One probe to the newcomer, then back to the measured best while its result is pending.
    expect(table.select("l")).toBe("new");
    expect(table.select("l")).toBe("old");
    expect(table.select("l")).toBe("old");

    // A periodic optimizer has not reported yet: one more probe per probe period.
    time.advance(1_000);
    expect(table.select("l")).toBe("new");
    expect(table.select("l")).toBe("old");

    // Measured faster: it wins on its merits.
    table.updateWeight("l", "new", 0.05);
    expect(table.select("l")).toBe("new");
    expect(table.select("l")).toBe("new");
  });

  it("does not get stuck on a newcomer that turns out slow", () => {
    const { table } = setup();
    table.change("l", "old", 1, true);
    table.updateWeight("l", "old", 0.1);
    table.change("l", "new", 1, true);
    expect(table.select("l")).toBe("new");
    table.updateWeight("l", "new", 0.5);
    expect([table.select("l"), table.select("l"), table.select("l")]).toEqual([
      "old",
      "old",
      "old",
    ]);
  });

  it("re-probes a measured destination whose weight went stale", () => {
    const { time, table } = setup();
    table.change("l", "a", 1, true);
    table.change("l", "b", 1, true);
    table.updateWeight("l", "a", 0.1);
    table.updateWeight("l", "b", 2); // one slow measurement during a hiccup
    expect(table.select("l")).toBe("a");

    time.advance(9_999);
    expect(table.select("l")).toBe("a");
    time.advance(1);
    expect(table.select("l")).toBe("b"); // one probe after the stale period
    expect(table.select("l")).toBe("a");
    table.updateWeight("l", "b", 0.05); // it recovered and is the best now...
    // ...while a, unmeasured for 10 s, is the stale one and gets its single probe
    expect([table.select("l"), table.select("l"), table.select("l")]).toEqual(["a", "b", "b"]);
  });

  it("forgets measurements when the controller re-installs a pair", () => {
    const { table } = setup();
    table.change("l", "a", 1, true);
    table.change("l", "b", 1, true);
    table.updateWeight("l", "a", 0.1);
    table.updateWeight("l", "b", 0.2);
    table.change("l", "a", 1, true); // e.g. forwardingtableclient --action reset
    table.change("l", "b", 1, true);
    expect([table.select("l"), table.select("l")]).toEqual(["a", "a"]);
  });
});
