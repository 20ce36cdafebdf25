import { describe, expect, it } from "vitest";
import { simulate, squareRootWeights } from "../../test/processor-sharing-sim.js";
import { DestinationLoad } from "../destination-load.js";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { LeastImpedancePolicy } from "./least-impedance-policy.js";

// Issue 9's setup in virtual time: two processor-sharing computers, 20 ms and 80 ms alone,
// Poisson arrivals at 70 % of their joint capacity. Bounds: the C++ router's ratios to the best
// static split (least-impedance: 1.2), which the reference policies must not exceed here.
const aloneMs = [20, 80];
const computers = (weights?: number[]) =>
  aloneMs.map((ms, i) => ({ name: `c${i}`, aloneMs: ms, weight: weights?.[i] ?? 1 }));
const run = { load: 0.7, seconds: 40, warmupSeconds: 5, seed: 3 };
const best = () =>
  simulate({
    ...run,
    computers: computers(squareRootWeights(aloneMs, 0.7)),
    tableConf: "type=random",
  }).meanMs;

describe("reference policies under load (processor sharing, 70 %)", () => {
  it.each([
    ["type=random", "type=async,alpha=0.5", 17.6],
    ["type=least-impedance", "type=async,alpha=0.5", 1.2],
    ["type=round-robin", "type=async,alpha=0.5", 10.4],
    ["type=proportional-fairness,alpha=1,beta=1", "type=asyncPF", 5.3],
    ["type=random", "type=trivial,period=10,stat=mean", 17.6],
    ["type=least-impedance", "type=trivial,period=10,stat=mean", 1.2],
    ["type=round-robin", "type=trivial,period=10,stat=mean", 10.4],
    ["type=proportional-fairness,alpha=1,beta=1", "type=trivial,period=10,stat=mean", 5.3],
  ])("%s with %s stays within %s× the best static split", (tableConf, optimizerConf, bound) => {
    const result = simulate({ ...run, computers: computers(), tableConf, optimizerConf });
    expect(result.meanMs / best()).toBeLessThan(bound);
  });

  it("least-impedance spreads the picks between two weight updates by calls in flight", () => {
    const time = new FakeClock(0);
    const load = new DestinationLoad(time.clock);
    const table = new ForwardingTable(
      "least-impedance",
      () => new LeastImpedancePolicy(time.clock, {}, load),
    );
    table.change("l", "fast", 1, true);
    table.change("l", "slow", 1, true);
    // Each learned from one call that ran alone: 20 ms and 80 ms.
    table.observed("l", "fast", { seconds: 0.02, alone: 0.02 });
    table.updateWeight("l", "fast", 0.02);
    table.observed("l", "slow", { seconds: 0.08, alone: 0.08 });
    table.updateWeight("l", "slow", 0.08);
    const picks: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = table.select("l");
      picks.push(d);
      load.start(d);
    }
    // The reference would send all five to "fast" until the next weight update.
    expect(picks).toEqual(["fast", "fast", "fast", "fast", "slow"]);
  });
});
