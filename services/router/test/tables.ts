import { EdgeRouterConf_Action } from "@soe/proto";
import { mulberry32 } from "@soe/reference";
import { Conf } from "@soe/runtime";
import type { ForwardingTable } from "../src/forwarding-table.js";
import type { LocalOptimizer } from "../src/optimizers/local-optimizer.js";
import { NoneOptimizer } from "../src/optimizers/local-optimizer.js";
import { makeForwardingTable } from "../src/policies/policy-factory.js";
import { RouterTables } from "../src/router-tables.js";

export interface ServingTablesOptions {
  readonly clock: () => number;
  /** Seed of the random policy's picks. */
  readonly seed?: number;
  readonly makeOptimizer?: (table: ForwardingTable) => LocalOptimizer;
}

/** Router tables with a random policy where `lambda` goes to each destination, final, weight 1. */
export function tablesServing(
  lambda: string,
  destinations: readonly string[],
  options: ServingTablesOptions,
): RouterTables {
  const { clock } = options;
  const tables = new RouterTables({
    makeTable: () =>
      makeForwardingTable(Conf.of({ type: "random" }), {
        clock,
        rng: mulberry32(options.seed ?? 1),
      }),
    makeOptimizer: options.makeOptimizer ?? (() => new NoneOptimizer()),
  });
  for (const destination of destinations) {
    tables.configure({
      action: EdgeRouterConf_Action.CHANGE,
      lambda,
      destination,
      weight: 1,
      final: true,
    });
  }
  return tables;
}
