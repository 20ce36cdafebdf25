import type { Conf } from "@soe/runtime";
import { AsyncOptimizer } from "./async-optimizer.js";
import { AsyncPfOptimizer } from "./async-pf-optimizer.js";
import { type LocalOptimizer, NoneOptimizer, type WeightedTable } from "./local-optimizer.js";
import { TRIVIAL_STATS, type TrivialStat, TrivialOptimizer } from "./trivial-optimizer.js";

export const OPTIMIZER_TYPES = ["none", "trivial", "async", "asyncPF"] as const;

export class InvalidOptimizerConf extends Error {
  override readonly name = "InvalidOptimizerConf";
}

/**
 * The optimizer named by `--optimizer-conf` (reference §3.7, default
 * `type=trivial,period=10,stat=mean`), for one table. trivial needs `period` (seconds) and
 * `stat`; async needs `alpha`.
 */
export function makeLocalOptimizer(
  conf: Conf,
  table: WeightedTable,
  clock: () => number,
): LocalOptimizer {
  const type = conf.getString("type");
  switch (type) {
    case "none":
      return new NoneOptimizer();
    case "trivial": {
      const periodSeconds = conf.getDouble("period");
      const stat = conf.getString("stat");
      if (!isTrivialStat(stat)) {
        throw new InvalidOptimizerConf(
          `Invalid statistic for the trivial optimizer: '${stat}' (allowed: ${TRIVIAL_STATS.join(", ")})`,
        );
      }
      return new TrivialOptimizer({ table, clock, periodSeconds, stat });
    }
    case "async":
      return new AsyncOptimizer({ table, clock, alpha: conf.getDouble("alpha") });
    case "asyncPF":
      return new AsyncPfOptimizer(table);
    default:
      throw new InvalidOptimizerConf(
        `Invalid local optimizer type: '${type}' (allowed: ${OPTIMIZER_TYPES.join(", ")})`,
      );
  }
}

function isTrivialStat(stat: string): stat is TrivialStat {
  return (TRIVIAL_STATS as readonly string[]).includes(stat);
}
