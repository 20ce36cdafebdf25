import type { Conf } from "@soe/runtime";
import { type InFlightView, NO_LOAD } from "../destination-load.js";
import { ForwardingTable } from "../forwarding-table.js";
import type { Rng } from "@soe/reference";
import type { SelectionPolicyFactory } from "../selection-policy.js";
import { LeastImpedancePolicy } from "./least-impedance-policy.js";
import { LeastLatencyRifPolicy } from "./least-latency-rif-policy.js";
import { ProportionalFairnessPolicy } from "./proportional-fairness-policy.js";
import { RoundRobinPolicy } from "./round-robin-policy.js";
import { WeightedRandomPolicy } from "./weighted-random-policy.js";

export const TABLE_TYPES = [
  "least-latency-rif",
  "random",
  "least-impedance",
  "round-robin",
  "proportional-fairness",
] as const;
export type TableType = (typeof TABLE_TYPES)[number];

export interface PolicyDeps {
  /** Milliseconds, monotonic (e.g. `performance.now`). */
  readonly clock: () => number;
  readonly rng: Rng;
  /** The router's calls in flight per destination (default: none, as in a table nothing uses). */
  readonly load?: InFlightView;
}

export class InvalidTableType extends Error {
  override readonly name = "InvalidTableType";
  constructor(readonly type: string) {
    super(`Invalid forwarding table type: '${type}' (allowed: ${TABLE_TYPES.join(", ")})`);
  }
}

/** A table conf whose values the named policy refuses (e.g. a smoothing outside (0, 1]). */
export class InvalidTableConf extends Error {
  override readonly name = "InvalidTableConf";
}

/**
 * The policy named by `--table-conf` (reference §3.7 defaults to `type=random`; our default is
 * `least-latency-rif`). Extra keys are accepted for every type (the reference's tests pass
 * alpha/beta to `random`); `alpha` and `beta` are required for proportional-fairness.
 * least-impedance reads the optional `probe-period` and `stale-period` (seconds) of our probing
 * fix; least-latency-rif the optional `choices`, `smoothing` and `stale-period` (seconds).
 */
export function makePolicyFactory(conf: Conf, deps: PolicyDeps): SelectionPolicyFactory {
  const type = conf.getString("type");
  const load = deps.load ?? NO_LOAD;
  switch (type) {
    case "least-latency-rif": {
      const options = {
        ...(conf.has("choices") ? { choices: conf.getUint("choices") } : {}),
        ...(conf.has("smoothing") ? { smoothing: conf.getDouble("smoothing") } : {}),
        ...(conf.has("stale-period")
          ? { stalePeriodMs: conf.getDouble("stale-period") * 1000 }
          : {}),
      };
      // Fails fast on a bad value, at start-up rather than on the first lambda.
      try {
        new LeastLatencyRifPolicy(load, deps.rng, deps.clock, options);
      } catch (error) {
        throw new InvalidTableConf(error instanceof Error ? error.message : String(error));
      }
      return () => new LeastLatencyRifPolicy(load, deps.rng, deps.clock, options);
    }
    case "random":
      return () => new WeightedRandomPolicy(deps.rng, load);
    case "least-impedance": {
      const probePeriodMs = conf.has("probe-period")
        ? conf.getDouble("probe-period") * 1000
        : undefined;
      const stalePeriodMs = conf.has("stale-period")
        ? conf.getDouble("stale-period") * 1000
        : undefined;
      return () =>
        new LeastImpedancePolicy(
          deps.clock,
          {
            ...(probePeriodMs === undefined ? {} : { probePeriodMs }),
            ...(stalePeriodMs === undefined ? {} : { stalePeriodMs }),
          },
          load,
        );
    }
    case "round-robin":
      return () => new RoundRobinPolicy(deps.clock, load);
    case "proportional-fairness": {
      const alpha = conf.getDouble("alpha");
      const beta = conf.getDouble("beta");
      return () => new ProportionalFairnessPolicy(alpha, beta, deps.clock, load);
    }
    default:
      throw new InvalidTableType(type);
  }
}

/** A forwarding table with the policy of a `--table-conf` conf. */
export function makeForwardingTable(conf: Conf, deps: PolicyDeps): ForwardingTable {
  return new ForwardingTable(conf.getString("type"), makePolicyFactory(conf, deps));
}
