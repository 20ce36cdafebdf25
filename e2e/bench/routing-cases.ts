import type { ComputerKind } from "./processor-sharing-computers.js";

/** One measured situation: computers, a load, routers; every policy runs it side by side. */
export interface RoutingStage {
  /** "1@70%", "2", "3", "4". */
  readonly id: string;
  readonly caseNumber: number;
  readonly title: string;
  readonly computers: readonly ComputerKind[];
  /**
   * Offered load as a fraction of the computers' joint measured capacity (in case 3, of the
   * capacity left after the step, so that the load stays below it all along).
   */
  readonly load: number;
  /** Routers per policy, the clients split evenly between them. */
  readonly routers: number;
  /** Halfway through the measured window, `computer` becomes `slowdown` times slower. */
  readonly step?: { readonly computer: string; readonly slowdown: number };
}

export interface CaseOptions {
  /** Which cases to run, 1-4. */
  readonly cases: readonly number[];
  /** Loads of case 1, fractions. */
  readonly loads: readonly number[];
  /** Service times of case 3's fast and slow computers, ms. */
  readonly stepServiceMs: readonly [number, number];
}

export const ALL_CASES = [1, 2, 3, 4] as const;

/**
 * Issue 9's cases. (1) two computers 4× apart, the load swept; (2) three computers; (3) the fast
 * computer slows 4× halfway through (its calls share the core with background work sent to it
 * directly): with 5 and 20 ms it ends up as fast as the other, so the best split goes from
 * everything-on-the-fast-one to 50/50, and the rates are high enough for the split over one
 * second to mean something; (4) two routers, each seeing half the clients and not the other's
 * load, on the same two computers.
 */
export function routingStages(options: CaseOptions): RoutingStage[] {
  const two = [
    { name: "fast", serviceMs: 20 },
    { name: "slow", serviceMs: 80 },
  ];
  const stages: RoutingStage[] = [];
  for (const n of options.cases) {
    if (!(ALL_CASES as readonly number[]).includes(n)) {
      throw new Error(`unknown case ${n} (cases: ${ALL_CASES.join(", ")})`);
    }
  }
  if (options.cases.includes(1)) {
    for (const load of options.loads) {
      stages.push({
        id: `1@${Math.round(load * 100)}%`,
        caseNumber: 1,
        title: `two computers (20 and 80 ms), ${Math.round(load * 100)} % of their capacity`,
        computers: two,
        load,
        routers: 1,
      });
    }
  }
  if (options.cases.includes(2)) {
    stages.push({
      id: "2",
      caseNumber: 2,
      title: "three computers (10, 20 and 80 ms), 70 % of their capacity",
      computers: [
        { name: "fast", serviceMs: 10 },
        { name: "medium", serviceMs: 20 },
        { name: "slow", serviceMs: 80 },
      ],
      load: 0.7,
      routers: 1,
    });
  }
  if (options.cases.includes(3)) {
    const [fast, slow] = options.stepServiceMs;
    stages.push({
      id: "3",
      caseNumber: 3,
      title:
        `a step: the fast computer (${fast} ms; the other ${slow} ms) slows 4× halfway, ` +
        "70 % of the capacity left after the step",
      computers: [
        { name: "fast", serviceMs: fast },
        { name: "slow", serviceMs: slow },
      ],
      load: 0.7,
      routers: 1,
      step: { computer: "fast", slowdown: 4 },
    });
  }
  if (options.cases.includes(4)) {
    stages.push({
      id: "4",
      caseNumber: 4,
      title: "two routers sharing two computers (20 and 80 ms), half the clients each, 70 %",
      computers: two,
      load: 0.7,
      routers: 2,
    });
  }
  return stages;
}
