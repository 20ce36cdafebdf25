import { countFromEnv, secondsFromEnv } from "@soe/bench";
import { ALL_CASES } from "./routing-cases.js";

/** Every knob of `pnpm bench:routing`, from the environment (see routing-quality.ts). */
export interface RoutingSettings {
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly drainSeconds: number;
  readonly seed: number;
  readonly clients: number;
  readonly maxInFlightPerClient: number;
  /** HTTP/2 connections the clients share per router. */
  readonly connections: number;
  /** Calls/s all the policies side by side may offer at once; beyond, a stage runs in batches. */
  readonly maxCallsPerSecond: number;
  readonly cases: readonly number[];
  /** Loads of case 1, fractions. */
  readonly loads: readonly number[];
  /** Table types to run (and "default"); undefined: all. */
  readonly policies: readonly string[] | undefined;
  readonly stepServiceMs: readonly [number, number];
  readonly splitWindowMs: number;
  readonly splitSlideMs: number;
  readonly recoveryTolerance: number;
  readonly recoveryHoldMs: number;
  readonly jsonPath: string | undefined;
}

export function routingSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RoutingSettings {
  const stepFast = secondsFromEnv("BENCH_STEP_FAST_MS", 5);
  return {
    warmupSeconds: secondsFromEnv("BENCH_WARMUP_SECONDS", 10),
    measureSeconds: secondsFromEnv("BENCH_SECONDS", 20),
    drainSeconds: secondsFromEnv("BENCH_DRAIN_SECONDS", 10),
    seed: countFromEnv("BENCH_SEED", 1),
    clients: countFromEnv("BENCH_CLIENTS", 64),
    maxInFlightPerClient: countFromEnv("BENCH_MAX_IN_FLIGHT", 64),
    connections: countFromEnv("BENCH_CONNECTIONS", 8),
    maxCallsPerSecond: countFromEnv("BENCH_MAX_CALLS_PER_S", 480),
    cases: listFromEnv(env, "BENCH_CASES", Number) ?? [...ALL_CASES],
    loads: (listFromEnv(env, "BENCH_LOADS", Number) ?? [50, 70, 90]).map((percent) => {
      if (!(percent > 0 && percent < 100)) {
        throw new Error(`BENCH_LOADS are percents of capacity in (0, 100), got ${percent}`);
      }
      return percent / 100;
    }),
    policies: listFromEnv(env, "BENCH_POLICIES", String),
    stepServiceMs: [stepFast, stepFast * 4],
    splitWindowMs: secondsFromEnv("BENCH_SPLIT_WINDOW_MS", 1000),
    splitSlideMs: 50,
    recoveryTolerance: secondsFromEnv("BENCH_RECOVERY_TOLERANCE", 0.1),
    recoveryHoldMs: secondsFromEnv("BENCH_RECOVERY_HOLD_MS", 500),
    jsonPath: env.BENCH_JSON || undefined,
  };
}

/** A comma-separated list ("1,3"), or undefined when unset or empty. */
function listFromEnv<T>(
  env: NodeJS.ProcessEnv,
  name: string,
  parse: (item: string) => T,
): T[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .map((item) => {
      const value = parse(item);
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new Error(`${name}: '${item}' is not a number`);
      }
      return value;
    });
}
