import { describe, expect, it } from "vitest";
import { simulate, squareRootWeights } from "../../test/processor-sharing-sim.js";
import { DestinationLoad } from "../destination-load.js";
import { FakeClock } from "@soe/testing";
import { ForwardingTable } from "../forwarding-table.js";
import { mulberry32, type Rng } from "@soe/reference";
import { LeastLatencyRifPolicy } from "./least-latency-rif-policy.js";

const setup = (rng: Rng = mulberry32(1)) => {
  const time = new FakeClock(0);
  const load = new DestinationLoad(time.clock);
  const table = new ForwardingTable(
    "least-latency-rif",
    () => new LeastLatencyRifPolicy(load, rng, time.clock),
  );
  /** A call to `destination` that took `aloneMs` alone (it ran by itself). */
  const learn = (destination: string, aloneMs: number) =>
    table.observed("l", destination, { seconds: aloneMs / 1000, alone: aloneMs / 1000 });
  return { time, load, table, learn };
};

describe("LeastLatencyRifPolicy", () => {
  it("tries each destination once before it knows them, then the fastest wins alone", () => {
    const { table, learn } = setup();
    table.change("l", "a", 1, true);
    table.change("l", "b", 1, true);
    expect(table.select("l")).toBe("a");
    learn("a", 20);
    expect(table.select("l")).toBe("b"); // unknown: tried on a tie
    learn("b", 80);
    expect([table.select("l"), table.select("l")]).toEqual(["a", "a"]);
  });

  it("picks the least alone time × (calls in flight + 1)", () => {
    const { table, load, learn } = setup();
    table.change("l", "fast", 1, true);
    table.change("l", "slow", 1, true);
    learn("fast", 20);
    learn("slow", 80);
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = table.select("l");
      picks.push(d);
      load.start(d); // each pick stays in flight
    }
    // fast: 20, 40, 60, 80 (tie with slow's 80: fewer in flight wins), slow: 80, 160
    expect(picks).toEqual(["fast", "fast", "fast", "slow", "fast", "fast"]);
  });

  it("follows a destination that slows down within a few responses", () => {
    const { table, learn } = setup();
    table.change("l", "a", 1, true);
    table.change("l", "b", 1, true);
    learn("a", 20);
    learn("b", 40);
    expect(table.select("l")).toBe("a");
    for (let i = 0; i < 4; i++) learn("a", 80); // a is now 4× slower
    expect(table.select("l")).toBe("b");
  });

  it("gives an idle destination not heard of for the stale period a fresh try", () => {
    const { time, table, learn } = setup();
    table.change("l", "a", 1, true);
    table.change("l", "b", 1, true);
    learn("a", 20);
    learn("b", 500); // one slow answer during a hiccup
    expect(table.select("l")).toBe("a");
    time.advance(999);
    learn("a", 20);
    expect(table.select("l")).toBe("a");
    time.advance(1);
    expect(table.select("l")).toBe("b");
  });

  it("compares a constant number of candidates however many destinations", () => {
    let draws = 0;
    const seeded = mulberry32(9);
    const { table, learn } = setup(() => {
      draws += 1;
      return seeded();
    });
    for (let i = 0; i < 1_000; i++) table.change("l", `d${i}`, 1, true);
    for (let i = 0; i < 1_000; i++) learn(`d${i}`, 10 + (i % 10));
    for (let i = 0; i < 100; i++) table.select("l");
    // Two random choices a pick (a duplicate is drawn again), plus the remembered one.
    expect(draws).toBeGreaterThanOrEqual(200);
    expect(draws).toBeLessThan(210);
  });

  it("spreads Poisson load over processor-sharing computers better than the best static split", () => {
    // Two computers, 20 ms and 80 ms alone; virtual time, seeded arrivals.
    const aloneMs = [20, 80];
    const computers = (weights?: number[]) =>
      aloneMs.map((ms, i) => ({ name: `c${i}`, aloneMs: ms, weight: weights?.[i] ?? 1 }));
    for (const load of [0.5, 0.7, 0.9]) {
      const run = { load, seconds: 30, warmupSeconds: 3, seed: 7 };
      const best = simulate({
        ...run,
        computers: computers(squareRootWeights(aloneMs, load)),
        tableConf: "type=random",
      });
      const policy = simulate({
        ...run,
        computers: computers(),
        tableConf: "type=least-latency-rif",
      });
      expect(policy.meanMs / best.meanMs).toBeLessThan(1);
      // The fast computer takes most, the slow one a real share once the fast one fills up.
      expect(policy.shares[0]).toBeGreaterThan(0.75);
      if (load >= 0.7) expect(policy.shares[1]).toBeGreaterThan(0.08);
    }
  });

  it("recovers after the fast computer slows down 4× mid-run", () => {
    const shares: number[][] = [];
    simulate({
      computers: [
        { name: "a", aloneMs: 20 },
        { name: "b", aloneMs: 80 },
      ],
      load: 0.5,
      tableConf: "type=least-latency-rif",
      seconds: 20,
      warmupSeconds: 0,
      step: { atSeconds: 10, index: 0, aloneMs: 80 },
      onCall: (atMs, computer) => {
        const second = Math.floor(atMs / 1000);
        const counts = shares[second] ?? [0, 0];
        counts[computer] = (counts[computer] ?? 0) + 1;
        shares[second] = counts;
      },
    });
    // Both computers now take 80 ms alone: one second after the step, the split is about even.
    const after = shares
      .slice(11, 20)
      .map((s) => (s[0] as number) / ((s[0] as number) + (s[1] as number)));
    for (const share of after) expect(Math.abs(share - 0.5)).toBeLessThan(0.15);
  });
});
