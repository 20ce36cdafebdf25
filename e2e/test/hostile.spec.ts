import { afterAll, describe, expect, test } from "vitest";
import { SEED } from "../src/index.js";
import { useSeedScenario } from "./support/seed-domain.js";
import { attack, casesFor, rssMb, seedPorts, ValidTraffic } from "./support/hostile-ports.js";

// Every port of a running domain attacked as a hostile client would (issue "Hardening"), with
// valid traffic through the whole path between batches. FUZZ_SEED and FUZZ_CASES (per port)
// reproduce or widen a run. The control plane has a token, as a deployment exposed to hostile
// clients would: random announcements must be refused, not installed.
const seed = process.env.FUZZ_SEED ?? "e2e-1";
const count = Number(process.env.FUZZ_CASES ?? 700);
const scenario = useSeedScenario({
  leaseTtlSeconds: 3,
  listerPeriodSeconds: 0.2,
  token: "fuzz-token",
});

let traffic: ValidTraffic | undefined;
afterAll(() => traffic?.close());

describe(`every port of the seed scenario under hostile input (seed ${seed})`, () => {
  test(`${count} inputs per port and the regression corpus: documented answers only, no process lost, valid calls keep succeeding, memory bounded`, async () => {
    const s = scenario();
    traffic = new ValidTraffic(s);
    const valid = traffic;
    // Warm-up, so the first load's heap growth is not counted as a leak.
    for (let i = 0; i < 30; i++) await valid.once();
    const before = rssMb(s);

    const violations: string[] = [];
    let inputs = 0;
    for (const port of seedPorts(s)) {
      const report = await attack(port, casesFor(port, seed, count), () => valid.once());
      violations.push(...report.violations);
      inputs += report.cases;
    }
    for (let i = 0; i < 10; i++) await valid.once();

    expect(inputs).toBeGreaterThan(7 * count);
    expect(violations.slice(0, 20)).toEqual([]);
    for (const name of Object.values(SEED)) expect(s.supervisor.isRunning(name)).toBe(true);
    expect(valid.failed).toEqual([]);
    const after = rssMb(s);
    const growth = [...after].map(([name, mb]) => [
      name,
      (mb ?? Number.NaN) - (before.get(name) ?? 0),
    ]);
    process.stderr.write(
      `RSS growth MB after ${inputs} hostile inputs: ${JSON.stringify(Object.fromEntries(growth.map(([n, g]) => [n, Math.round(Number(g))])))}\n`,
    );
    // The soak (pnpm bench:soak) reports the steady state; this bounds gross leaks.
    for (const [, mb] of growth) expect(mb).toBeLessThan(64);
  }, 600_000);
});
