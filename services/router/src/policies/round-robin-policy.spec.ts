import { describe, expect, it } from "vitest";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { RoundRobinPolicy } from "./round-robin-policy.js";

const setup = () => {
  const time = new FakeClock(0);
  let last: RoundRobinPolicy | undefined;
  const table = new ForwardingTable("round-robin", () => {
    last = new RoundRobinPolicy(time.clock);
    return last;
  });
  return { time, table, policy: () => last };
};

describe("RoundRobinPolicy", () => {
  // reference §3.4 / §10, Test/testforwardingtable.cpp test_access_round_robin (all within one
  // second, so no probe fires)
  it("reproduces the reference's pick sequences", () => {
    const { time, table } = setup();
    const latencies = new Map([
      ["dest1", 100],
      ["dest2", 110],
      ["dest3", 1000],
    ]);
    for (const dest of latencies.keys()) table.change("lambda1", dest, 1, true);

    const run = (n: number, install = false) => {
      const picks: string[] = [];
      for (let i = 0; i < n; i++) {
        const dest = table.select("lambda1");
        picks.push(dest);
        const latency = latencies.get(dest) ?? 1;
        if (install) table.change("lambda1", dest, latency, true);
        else table.updateWeight("lambda1", dest, latency);
        time.advance(1);
      }
      return picks;
    };

    expect(run(10)).toEqual([
      "dest1",
      "dest2",
      "dest3",
      "dest1",
      "dest2",
      "dest1",
      "dest2",
      "dest1",
      "dest2",
      "dest1",
    ]);

    latencies.set("dest1", 400);
    expect(run(10)).toEqual([
      "dest2",
      "dest1",
      "dest2",
      "dest2",
      "dest2",
      "dest2",
      "dest2",
      "dest2",
      "dest2",
      "dest2",
    ]);

    table.remove("lambda1", "dest2");
    expect(run(5)).toEqual(["dest1", "dest1", "dest1", "dest1", "dest1"]);

    table.remove("lambda1", "dest1");
    expect(run(5)).toEqual(["dest3", "dest3", "dest3", "dest3", "dest3"]);

    table.change("lambda1", "dest1", latencies.get("dest1") ?? 0, true);
    expect(run(5, true)).toEqual(["dest1", "dest1", "dest1", "dest1", "dest1"]);
  });

  it("keeps only destinations within twice the minimum weight active", () => {
    const { table, policy } = setup();
    table.change("l", "a", 1, true);
    table.change("l", "b", 1, true);
    table.change("l", "c", 1, true);
    table.updateWeight("l", "a", 10);
    table.updateWeight("l", "b", 20);
    table.updateWeight("l", "c", 21);
    expect(policy()?.activeSet()).toEqual(["a", "b"]);
  });

  it("probes a slow destination after its stale period, doubling the period while it stays slow", () => {
    const { time, table, policy } = setup();
    table.change("l", "fast", 1, true);
    table.change("l", "slow", 1, true);
    table.updateWeight("l", "slow", 100);
    table.updateWeight("l", "fast", 10);
    expect(policy()?.activeSet()).toEqual(["fast"]);

    // The active set is rebuilt on updates: the first one ≥ 1 s after slow's update starts a probe.
    time.advance(999);
    table.updateWeight("l", "fast", 10);
    expect(policy()?.activeSet()).toEqual(["fast"]);
    time.advance(1);
    table.updateWeight("l", "fast", 10);
    expect(policy()?.activeSet()).toEqual(["fast", "slow"]);
    // The probe starts level with the best deficit: fast wins the name tie once, then slow.
    expect([table.select("l"), table.select("l")]).toEqual(["fast", "slow"]);

    // Still slow: out again, next probe after 2 s.
    table.updateWeight("l", "slow", 100);
    expect(policy()?.activeSet()).toEqual(["fast"]);
    time.advance(1_999);
    table.updateWeight("l", "fast", 10);
    expect(policy()?.activeSet()).toEqual(["fast"]);
    time.advance(1);
    table.updateWeight("l", "fast", 10);
    expect(policy()?.activeSet()).toEqual(["fast", "slow"]);

    // Recovered: good again, stays active.
    table.updateWeight("l", "slow", 12);
    expect(policy()?.activeSet()).toEqual(["fast", "slow"]);
  });

  it("caps the probe period at 30 s", () => {
    const { time, table, policy } = setup();
    table.change("l", "fast", 1, true);
    table.change("l", "slow", 1, true);
    table.updateWeight("l", "fast", 1);
    table.updateWeight("l", "slow", 100);
    // periods 1, 2, 4, 8, 16, 30, 30: wait each out, probe, report slow again
    for (const period of [1, 2, 4, 8, 16, 30, 30]) {
      time.advance(period * 1000 - 1);
      table.updateWeight("l", "fast", 1);
      expect(policy()?.activeSet()).toEqual(["fast"]);
      time.advance(1);
      table.updateWeight("l", "fast", 1);
      expect(policy()?.activeSet()).toEqual(["fast", "slow"]);
      table.updateWeight("l", "slow", 100);
    }
  });

  it("starts destinations added to an empty entry at the float maximum, renormalised by the first update", () => {
    const { table } = setup();
    table.change("l", "b", 1, true);
    table.change("l", "a", 1, true);
    // all deficits equal: name order decides
    expect(table.select("l")).toBe("a");
    // a's increment vanished into FLT_MAX; the update renormalises both deficits to 0
    table.updateWeight("l", "a", 1);
    expect([table.select("l"), table.select("l")]).toEqual(["a", "b"]);
  });
});
