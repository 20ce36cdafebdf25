/** A router configuration under test: its `--table-conf` and `--optimizer-conf`. */
export interface PolicyUnderTest {
  /** The table type ("random", …), or BASELINE. */
  readonly name: string;
  readonly tableConf: string;
  readonly optimizerConf: string;
  /** The router's own default (`edgerouter` with no `--table-conf`). */
  readonly isDefault: boolean;
  /**
   * Weights fixed by the bench (the best static split) instead of learned from 1, as the
   * controller installs them.
   */
  readonly fixedWeights: boolean;
}

/** The reference every policy is compared with, measured in the same run. */
export const BASELINE = "best static split";

export interface PolicyCatalog {
  /** Every `--table-conf type=` the router accepts (its TABLE_TYPES). */
  readonly tableTypes: readonly string[];
  /** The router's default `--table-conf` and `--optimizer-conf`. */
  readonly defaultTableConf: string;
  readonly defaultOptimizerConf: string;
}

/** Parameters a type cannot run without (reference §3.7: proportional fairness needs both). */
const REQUIRED_PARAMETERS: Readonly<Record<string, string>> = {
  "proportional-fairness": "alpha=1,beta=1",
};

/** The `type` of a conf string ("type=random,alpha=1" → "random"). */
export function confType(conf: string): string | undefined {
  return /(?:^|,)\s*type\s*=\s*([^,]*)/.exec(conf)?.[1]?.trim();
}

/**
 * The policies of a run: the baseline first (weighted random over fixed weights, no optimizer:
 * the split stays the one installed), then every table type the router accepts, each with the
 * router's default optimizer. The type the router defaults to runs with the default conf itself,
 * parameters included, and is marked; a default of another type is added. `only` keeps the named
 * types ("default" names the default's); the baseline always runs, every ratio needs it.
 */
export function routingPolicies(
  catalog: PolicyCatalog,
  only?: readonly string[],
): PolicyUnderTest[] {
  const { tableTypes, defaultTableConf, defaultOptimizerConf } = catalog;
  const defaultType = confType(defaultTableConf);
  const types = [...tableTypes];
  if (defaultType !== undefined && !types.includes(defaultType)) types.push(defaultType);
  const policies = types.map(
    (type): PolicyUnderTest => ({
      name: type,
      tableConf:
        type === defaultType
          ? defaultTableConf
          : [`type=${type}`, REQUIRED_PARAMETERS[type]].filter(Boolean).join(","),
      optimizerConf: defaultOptimizerConf,
      isDefault: type === defaultType,
      fixedWeights: false,
    }),
  );
  const baseline: PolicyUnderTest = {
    name: BASELINE,
    tableConf: "type=random",
    optimizerConf: "type=none",
    isDefault: false,
    fixedWeights: true,
  };
  if (only === undefined || only.length === 0) return [baseline, ...policies];
  const known = new Set(types);
  for (const name of only) {
    if (name !== "default" && name !== BASELINE && !known.has(name)) {
      throw new Error(`unknown policy '${name}' (known: ${[...types, "default"].join(", ")})`);
    }
  }
  const wanted = (p: PolicyUnderTest) =>
    only.includes(p.name) || (p.isDefault && only.includes("default"));
  return [baseline, ...policies.filter(wanted)];
}
