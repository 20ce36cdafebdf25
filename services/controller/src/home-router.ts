import type { Topology } from "./topology.js";

/** `--hier-objective`: minimise the worst-case or the average distance (reference §2.7). */
export type HierObjective = "min-max" | "min-avg";
export const HIER_OBJECTIVES: readonly HierObjective[] = ["min-max", "min-avg"];

/**
 * The router address that should be the home of a computer at `computerAddress` (reference §2.7).
 * For each router address i among the distinct router addresses R:
 *   maxCost_i = d(i, c) + max_{j∈R} d(i, j)      avgCost_i = N·d(i, c) + Σ_{j∈R} d(i, j)
 * with N the number of topology nodes, Ω = 1 + 2N²; the score is Ω·maxCost + avgCost (min-max) or
 * maxCost + Ω·avgCost (min-avg), so the secondary cost only breaks ties of the primary one. The
 * lowest score wins, the first in address order on ties. Unknown addresses throw InvalidNode.
 */
export function homeRouterAddress(
  topology: Topology,
  routerAddresses: readonly string[],
  computerAddress: string,
  objective: HierObjective,
): string | undefined {
  const n = topology.numNodes;
  const omega = 1 + 2 * n * n;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const i of routerAddresses) {
    const toComputer = topology.distance(i, computerAddress);
    const toRouters = routerAddresses.map((j) => topology.distance(i, j));
    const maxCost = toComputer + Math.max(...toRouters);
    const avgCost = n * toComputer + toRouters.reduce((sum, d) => sum + d, 0);
    const score = objective === "min-max" ? omega * maxCost + avgCost : maxCost + omega * avgCost;
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}
