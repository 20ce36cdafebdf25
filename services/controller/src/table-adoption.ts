/** One pair of a router's overall table, as `uiiit.rpc.EdgeRouter/GetTable` lists it. */
export interface TableRow {
  readonly lambda: string;
  readonly destination: string;
  readonly final: boolean;
}

/** A computer a router routes to, with the lambdas it is routed for (in table order). */
export interface RoutedComputer {
  readonly endpoint: string;
  readonly lambdas: readonly string[];
}

/**
 * The computers a router's table routes to (issue 13: a controller without a store rebuilds its
 * membership from the routers' tables). Only final pairs name computers: both installers give a
 * computer as a final destination and a router (hier: the home router of a lambda's computers)
 * as a non-final one (reference §2.6–2.7). A final destination that is a known router's lambda
 * end-point is left out too, whatever installed it. Order: first appearance in the table.
 */
export function computersInTable(
  rows: readonly TableRow[],
  isRouter: (endpoint: string) => boolean,
): RoutedComputer[] {
  const byEndpoint = new Map<string, Set<string>>();
  for (const { lambda, destination, final } of rows) {
    if (!final || lambda === "" || destination === "" || isRouter(destination)) continue;
    let lambdas = byEndpoint.get(destination);
    if (lambdas === undefined) {
      lambdas = new Set();
      byEndpoint.set(destination, lambdas);
    }
    lambdas.add(lambda);
  }
  return [...byEndpoint].map(([endpoint, lambdas]) => ({ endpoint, lambdas: [...lambdas] }));
}
