import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Domain } from "../src/index.js";
import { type PoissonLoadResult, runPoissonLoad } from "./poisson-load.js";
import {
  BACKGROUND_LAMBDA,
  BACKGROUND_SIZE,
  type ComputerKind,
  processorSharingProfile,
  ROUTED_LAMBDA,
} from "./processor-sharing-computers.js";
import { MemoryWatch } from "./process-memory.js";
import { poissonArrivals } from "./routing-arrivals.js";
import { type CallStats, callStats, routedCalls } from "./routing-call-stats.js";
import type { RoutingStage } from "./routing-cases.js";
import { DEFAULT_PROBE, probeComputers } from "./routing-computer-probe.js";
import { type CpuUse, CpuWatch } from "./routing-cpu-use.js";
import { configureRoutes, launchStage, type PolicyGroup } from "./routing-domain.js";
import type { RoutingSettings } from "./routing-env.js";
import type { PolicyUnderTest } from "./routing-policies.js";
import { type ComputerProbe, processorSharingProblems } from "./routing-ps-check.js";
import { recoveryTimeMs, splitOverWindows } from "./routing-split-recovery.js";
import { psMeanLatencyMs, sharesOf, squareRootSplit } from "./routing-square-root-split.js";

/** One computer process as measured before the run. */
export interface ComputerMeasurement {
  readonly process: string;
  readonly kind: string;
  readonly probe: ComputerProbe;
  /** The first probe failed the processor-sharing check; this is the second. */
  readonly probedTwice: boolean;
  readonly problems: readonly string[];
}

/** A kind of computer, its measurements averaged over the copies of every policy. */
export interface KindMeasurement {
  readonly name: string;
  /** The model's service time, ms. */
  readonly serviceMs: number;
  readonly aloneMs: number;
  /** Mean latency of `batchSize` calls at once over a call alone. */
  readonly batchSlowdown: number;
  readonly batchSize: number;
  /** Calls/s under saturation. */
  readonly capacity: number;
  readonly copies: number;
}

/** The best static split of the stage's rate over the computers (square-root rule). */
export interface BestSplit {
  readonly capacities: readonly number[];
  readonly rates: readonly number[];
  readonly shares: readonly number[];
  /** Processor-sharing mean of that split, ms: the model alone, no RPC or timer overhead. */
  readonly analyticMeanMs: number;
}

export interface PolicyRun {
  readonly policy: PolicyUnderTest;
  /** Which batch of the stage it ran in (0 when all ran side by side); compared with that batch's baseline. */
  readonly batch: number;
  /** Why the policy could not be measured. */
  readonly failure?: string;
  readonly stats?: CallStats;
  /** Case 3: the calls that arrived after the step. */
  readonly afterStep?: CallStats;
  /** Case 3: ms from the step until the split is back near the new best; undefined: never. */
  readonly recoveryMs?: number | undefined;
  /** Case 3: background calls sent to the slowed computer, and how many of them failed. */
  readonly background?: {
    readonly calls: number;
    readonly failed: number;
    readonly meanMs: number;
  };
}

export interface StageResult {
  readonly stage: RoutingStage;
  readonly computers: readonly ComputerMeasurement[];
  /** Non-empty: the computers are not processor sharing, and nothing was run. */
  readonly refused: readonly string[];
  readonly kinds: readonly KindMeasurement[];
  readonly rate: number;
  /** Arrivals per second the seeded draw actually put in the measured window. */
  readonly windowRate: number;
  readonly best: BestSplit | undefined;
  /** Case 3: the best split after the step, and the background rate that makes the step. */
  readonly afterStep?: BestSplit & { readonly backgroundRate: number; readonly atMs: number };
  readonly runs: readonly PolicyRun[];
  readonly batches: readonly BatchUse[];
}

/** What one batch of policies side by side cost the machine. */
export interface BatchUse {
  /** CPU over the load (undefined when nothing ran), and the calls it carried. */
  readonly cpu: CpuUse | undefined;
  readonly loadCalls: number;
  readonly memory: MemoryWatch;
}

const CALL_TIMEOUT_MS = 60_000;

/**
 * One stage: start a copy of the computers and router(s) per policy, measure every computer
 * alone and saturated (refusing to go on unless it is processor sharing), compute the best
 * static split from the capacities measured and install it in the baseline's router, then offer
 * every policy the same seeded Poisson arrivals at the same time, and stop everything.
 */
export async function runStage(
  stage: RoutingStage,
  policies: readonly PolicyUnderTest[],
  settings: RoutingSettings,
  profileDir: string,
  onDomain: (domain: Domain | undefined) => void,
  batch = 0,
  /** The capacities an earlier batch measured: every batch then offers the same load. */
  knownCapacities?: readonly number[],
): Promise<StageResult> {
  const memory = new MemoryWatch();
  const profilePath = (kind: ComputerKind) =>
    join(profileDir, `${kind.name}-${kind.serviceMs}ms.json`);
  for (const kind of stage.computers)
    writeFileSync(profilePath(kind), processorSharingProfile(kind));

  const { domain, groups, failures } = await launchStage(stage, policies, profilePath, onDomain);
  try {
    memory.watch(
      domain.topology.processes.flatMap(({ name }) => {
        const pid = domain.supervisor.pid(name);
        return pid === undefined ? [] : [{ name, pid }];
      }),
    );
    memory.read("rest");
    const running = groups.filter((g) => !failures.has(g.policy.name));
    const endpoint = (name: string) => domain.ports.endpoint(name);

    process.stderr.write(
      `[bench] ${stage.id}: measuring ${running.length * stage.computers.length} computers\n`,
    );
    const probed = running.flatMap((g) =>
      g.computers.map((process, k) => ({ process, kind: stage.computers[k] as ComputerKind })),
    );
    const probeOptions = { ...DEFAULT_PROBE, lambda: ROUTED_LAMBDA };
    const probes = await probeComputers(
      probed.map(({ process }) => endpoint(process)),
      probeOptions,
    );
    // A computer that fails the check is probed once more before the bench refuses: on a
    // machine shared with builds, a core can be away for the whole of a short phase.
    const problemsOf = (i: number, probe: ComputerProbe) => {
      const computer = probed[i] as (typeof probed)[number];
      return processorSharingProblems(computer.process, probe, computer.kind.serviceMs);
    };
    const suspects = probes.flatMap((probe, i) => (problemsOf(i, probe).length > 0 ? [i] : []));
    if (suspects.length > 0) {
      process.stderr.write(`[bench] ${stage.id}: probing ${suspects.length} computers again\n`);
      const again = await probeComputers(
        suspects.map((i) => endpoint(probed[i]?.process as string)),
        probeOptions,
      );
      suspects.forEach((i, k) => {
        probes[i] = again[k] as ComputerProbe;
      });
    }
    const computers = probed.map(({ process, kind }, i): ComputerMeasurement => {
      const probe = probes[i] as ComputerProbe;
      return {
        process,
        kind: kind.name,
        probe,
        probedTwice: suspects.includes(i),
        problems: problemsOf(i, probe),
      };
    });
    const kinds = stage.computers.map((kind) => measuredKind(kind, computers));
    const refused = computers.flatMap((c) => c.problems);
    const failedRuns = groups
      .filter((g) => failures.has(g.policy.name))
      .map((g): PolicyRun => ({ policy: g.policy, batch, failure: failures.get(g.policy.name) }));
    if (refused.length > 0) {
      return {
        stage,
        computers,
        refused,
        kinds,
        rate: Number.NaN,
        windowRate: Number.NaN,
        best: undefined,
        runs: failedRuns,
        batches: [{ cpu: undefined, loadCalls: 0, memory }],
      };
    }

    // The capacities the bench measured, not the nominal ones, decide the rate and the best split.
    const capacities = knownCapacities ?? kinds.map((k) => k.capacity);
    const stepIndex =
      stage.step === undefined
        ? -1
        : stage.computers.findIndex((c) => c.name === stage.step?.computer);
    const slowdown = stage.step?.slowdown ?? 1;
    // Background work at (1 − 1/s) of a PS computer's core leaves 1/s of it to the routed calls:
    // alone they take s× longer, and a PS queue fed λ of them keeps one 1/(μ/s − λ). The work is
    // sized on the model's core (exact: the bench wrote the profile), not on the measured
    // capacity, which on a busy machine under-reads a 5 ms computer (its timers run late): sized
    // on that, the step came out ~2× instead of 4×.
    const stepped = stage.computers[stepIndex];
    const backgroundRate =
      stepped === undefined
        ? 0
        : ((1000 / stepped.serviceMs) * (1 - 1 / slowdown)) / BACKGROUND_SIZE;
    const capacitiesAfter = capacities.map((mu, i) => (i === stepIndex ? mu / slowdown : mu));
    const rate = stage.load * capacitiesAfter.reduce((s, mu) => s + mu, 0);
    const best = bestSplit(capacities, rate);
    const warmupMs = settings.warmupSeconds * 1000;
    const measureMs = settings.measureSeconds * 1000;
    const endMs = warmupMs + measureMs;
    const stepAtMs = warmupMs + measureMs / 2;
    const afterStep =
      stepIndex < 0
        ? undefined
        : { ...bestSplit(capacitiesAfter, rate), backgroundRate, atMs: stepAtMs };

    await Promise.all(
      running.flatMap((g) =>
        g.routers.map((router) => configureRoutes(domain, router, weightsOf(g, best.shares))),
      ),
    );

    const arrivals = poissonArrivals({
      rate,
      durationMs: endMs,
      clients: settings.clients,
      seed: settings.seed,
    });
    const windowRate = arrivals.filter((a) => a.atMs >= warmupMs).length / settings.measureSeconds;
    const backgroundArrivals =
      afterStep === undefined
        ? []
        : poissonArrivals({
            rate: backgroundRate,
            durationMs: endMs - stepAtMs,
            clients: 1,
            seed: settings.seed + 1,
          });
    process.stderr.write(
      `[bench] ${stage.id}: ${running.length} policies side by side, ${rate.toFixed(1)} calls/s each, ` +
        `${(endMs / 1000).toFixed(0)} s\n`,
    );

    const runOne = async (group: PolicyGroup): Promise<PolicyRun> => {
      const names = group.computers.map(endpoint);
      const background: Promise<PoissonLoadResult>[] = [];
      let reconfigured: Promise<void> = Promise.resolve();
      const events =
        afterStep === undefined
          ? []
          : [
              {
                atMs: stepAtMs,
                run: () => {
                  background.push(
                    runPoissonLoad({
                      arrivals: backgroundArrivals,
                      endpointOf: () => endpoint(group.computers[stepIndex] as string),
                      lambda: BACKGROUND_LAMBDA,
                      connectionsPerEndpoint: 1,
                      maxInFlightPerClient: Number.MAX_SAFE_INTEGER,
                      callTimeoutMs: CALL_TIMEOUT_MS,
                      drainMs: settings.drainSeconds * 1000,
                    }),
                  );
                  // The baseline knows the step: it switches to the new best split at once,
                  // the floor every policy's recovery is compared with.
                  if (group.policy.fixedWeights) {
                    reconfigured = Promise.all(
                      group.routers.map((router) =>
                        configureRoutes(
                          domain,
                          router,
                          weightsOf(group, afterStep.shares),
                          group.computers.filter((_, i) => afterStep.shares[i] === 0),
                        ),
                      ),
                    ).then(() => undefined);
                  }
                },
              },
            ];
      const load = await runPoissonLoad({
        arrivals,
        endpointOf: (client) =>
          endpoint(
            group.routers[Math.floor((client * group.routers.length) / settings.clients)] as string,
          ),
        lambda: ROUTED_LAMBDA,
        connectionsPerEndpoint: settings.connections,
        maxInFlightPerClient: settings.maxInFlightPerClient,
        callTimeoutMs: CALL_TIMEOUT_MS,
        drainMs: settings.drainSeconds * 1000,
        events,
      });
      await reconfigured;
      const stats = callStats(load.calls, { fromMs: warmupMs, toMs: endMs }, names);
      if (afterStep === undefined) return { policy: group.policy, batch, stats };
      const backgroundCalls = (await Promise.all(background)).flatMap((r) => r.calls);
      const windows = splitOverWindows(routedCalls(load.calls, names), {
        computers: names.length,
        windowMs: settings.splitWindowMs,
        slideMs: settings.splitSlideMs,
        fromMs: stepAtMs,
        toMs: endMs,
      });
      const backgroundStats = callStats(
        backgroundCalls,
        { fromMs: 0, toMs: Number.POSITIVE_INFINITY },
        [],
      );
      return {
        policy: group.policy,
        batch,
        stats,
        afterStep: callStats(load.calls, { fromMs: stepAtMs, toMs: endMs }, names),
        recoveryMs: recoveryTimeMs(windows, {
          changeMs: stepAtMs,
          target: afterStep.shares,
          tolerance: settings.recoveryTolerance,
          holdMs: settings.recoveryHoldMs,
        }),
        background: {
          calls: backgroundStats.arrivals,
          failed: backgroundStats.failed,
          meanMs: backgroundStats.meanMs,
        },
      };
    };
    const cpu = new CpuWatch(
      running.flatMap((g) =>
        [...g.computers, ...g.routers].flatMap((name) => {
          const pid = domain.supervisor.pid(name);
          const role = g.routers.includes(name) ? "router" : "computer";
          return pid === undefined ? [] : [{ pid, role }];
        }),
      ),
    );
    cpu.start();
    const runs = await Promise.all(
      running.map((g) =>
        runOne(g).catch(
          (error: unknown): PolicyRun => ({ policy: g.policy, batch, failure: String(error) }),
        ),
      ),
    );
    const cpuUse = cpu.stop();
    memory.read("after");
    return {
      stage,
      computers,
      refused,
      kinds,
      rate,
      windowRate,
      best,
      ...(afterStep === undefined ? {} : { afterStep }),
      runs: [...runs, ...failedRuns],
      batches: [{ cpu: cpuUse, loadCalls: arrivals.length * running.length, memory }],
    };
  } finally {
    await domain.stop();
    onDomain(undefined);
  }
}

/** The router weights of a split: weighted random picks ∝ 1/weight; a zero share gets no route. */
function weightsOf(group: PolicyGroup, shares: readonly number[]): Map<string, number> {
  const weights = new Map<string, number>();
  group.computers.forEach((computer, i) => {
    if (!group.policy.fixedWeights) weights.set(computer, 1);
    else if ((shares[i] ?? 0) > 0) weights.set(computer, 1 / (shares[i] as number));
  });
  return weights;
}

function bestSplit(capacities: readonly number[], rate: number): BestSplit {
  const rates = squareRootSplit(capacities, rate);
  return {
    capacities,
    rates,
    shares: sharesOf(rates),
    analyticMeanMs: psMeanLatencyMs(capacities, rates),
  };
}

/** One stage from the results of its batches: every run, every computer, the first's load. */
export function mergeBatches(results: readonly StageResult[]): StageResult {
  const [first] = results;
  if (first === undefined) throw new Error("no batch to merge");
  const computers = results.flatMap((r) => r.computers);
  return {
    ...first,
    computers,
    refused: results.flatMap((r) => r.refused),
    kinds: first.stage.computers.map((kind) => measuredKind(kind, computers)),
    runs: results.flatMap((r) => r.runs),
    batches: results.flatMap((r) => r.batches),
  };
}

function measuredKind(
  kind: ComputerKind,
  computers: readonly ComputerMeasurement[],
): KindMeasurement {
  const mine = computers.filter((c) => c.kind === kind.name).map((c) => c.probe);
  const avg = (f: (p: ComputerProbe) => number) =>
    mine.length === 0 ? Number.NaN : mine.reduce((s, p) => s + f(p), 0) / mine.length;
  return {
    name: kind.name,
    serviceMs: kind.serviceMs,
    aloneMs: avg((p) => p.aloneMs),
    batchSlowdown: avg((p) => p.batchMeanMs / p.aloneMs),
    batchSize: mine[0]?.batchSize ?? Number.NaN,
    capacity: avg((p) => p.capacity),
    copies: mine.length,
  };
}
