import { describe, expect, it } from "vitest";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { ProportionalFairnessPolicy } from "../policies/proportional-fairness-policy.js";
import { AsyncPfOptimizer } from "./async-pf-optimizer.js";

describe("AsyncPfOptimizer", () => {
  it("sets the weight to each latency, counting a service for proportional fairness", () => {
    const time = new FakeClock(0);
    const table = new ForwardingTable(
      "proportional-fairness",
      () => new ProportionalFairnessPolicy(0, 1, time.clock),
    );
    table.change("l", "a", 1, true);
    time.advance(10);
    table.change("l", "b", 1, true);
    const optimizer = new AsyncPfOptimizer(table);
    time.advance(10);
    expect(table.select("l")).toBe("a");
    optimizer.observe("l", "a", 0.3);
    expect(table.destinations("l")[0]?.weight).toBe(0.3);
    time.advance(10);
    expect(table.select("l")).toBe("b"); // a was just served (count 2, Δt short)
  });
});
