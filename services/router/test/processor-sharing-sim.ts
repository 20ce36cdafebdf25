/**
 * A deterministic, virtual-time simulation of routers in front of processor-sharing computers
 * (reference §5.1 with one core each: n calls in flight each progress at 1/n of the speed), fed
 * open-loop Poisson arrivals from a seeded rng. It drives the real tables, policies, optimizers
 * and DestinationLoad through the same calls the forwarder makes, on a fake clock, so a unit test
 * can hold a policy's behaviour under load without a wall clock or a socket.
 */
import { EdgeRouterConf_Action } from "@soe/proto";
import { Conf } from "@soe/runtime";
import { DestinationLoad, type CallTicket } from "../src/destination-load.js";
import { FakeClock } from "@soe/testing";
import { makeLocalOptimizer } from "../src/optimizers/optimizer-factory.js";
import { makeForwardingTable } from "../src/policies/policy-factory.js";
import { RouterTables } from "../src/router-tables.js";
import { mulberry32 } from "@soe/reference";

export interface SimComputer {
  readonly name: string;
  /** ms a call takes alone. */
  readonly aloneMs: number;
  /** Installed weight (default 1, as the controller installs). */
  readonly weight?: number;
}

export interface SimOptions {
  readonly computers: readonly SimComputer[];
  /** Fraction of the computers' joint capacity offered. */
  readonly load: number;
  readonly tableConf: string;
  readonly optimizerConf?: string;
  /** Routers sharing the computers, arrivals split evenly at random (default 1). */
  readonly routers?: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly seed?: number;
  /** At this time (s), computer `index` takes `aloneMs` instead. */
  readonly step?: { readonly atSeconds: number; readonly index: number; readonly aloneMs: number };
  /** Told of every pick: when (ms), which computer, and its latency once known (ms). */
  readonly onCall?: (atMs: number, computer: number, latencyMs: number) => void;
}

export interface SimResult {
  /** ms, calls that arrived after the warm-up. */
  readonly meanMs: number;
  /** Share of those calls per computer. */
  readonly shares: number[];
  readonly calls: number;
}

interface Job {
  readonly arrived: number;
  remaining: number;
  readonly router: number;
  readonly ticket: CallTicket;
  readonly measured: boolean;
}

const LAMBDA = "lambda";

export function simulate(options: SimOptions): SimResult {
  const time = new FakeClock(0);
  const rng = mulberry32(options.seed ?? 1);
  const routers = Array.from({ length: options.routers ?? 1 }, (_, r) => {
    const load = new DestinationLoad(time.clock);
    const tableConf = Conf.parse(options.tableConf).conf;
    const optimizerConf = Conf.parse(options.optimizerConf ?? "type=none").conf;
    const policyRng = mulberry32(1000 + r);
    const tables = new RouterTables({
      makeTable: () => makeForwardingTable(tableConf, { clock: time.clock, rng: policyRng, load }),
      makeOptimizer: (t) => makeLocalOptimizer(optimizerConf, t, time.clock),
    });
    for (const c of options.computers) {
      tables.configure({
        action: EdgeRouterConf_Action.CHANGE,
        lambda: LAMBDA,
        destination: c.name,
        weight: c.weight ?? 1,
        final: true,
      });
    }
    return { load, tables };
  });
  const speeds = options.computers.map((c) => c.aloneMs);
  const capacity = speeds.reduce((sum, ms) => sum + 1000 / ms, 0);
  const rate = (options.load * capacity) / 1000; // calls per ms
  const jobs: Job[][] = options.computers.map(() => []);
  const index = new Map(options.computers.map((c, i) => [c.name, i]));
  const endMs = (options.warmupSeconds + options.seconds) * 1000;
  const warmupMs = options.warmupSeconds * 1000;
  const counts = options.computers.map(() => 0);
  let latencySum = 0;
  let measured = 0;
  let nextArrival = -Math.log(1 - rng()) / rate;
  let stepped = options.step === undefined;

  for (;;) {
    // The next completion: the job with the least remaining work, on each computer.
    let doneAt = Number.POSITIVE_INFINITY;
    let doneServer = -1;
    jobs.forEach((list, s) => {
      if (list.length === 0) return;
      let least = Number.POSITIVE_INFINITY;
      for (const job of list) least = Math.min(least, job.remaining);
      const at = time.now + least * list.length * (speeds[s] as number);
      if (at < doneAt) {
        doneAt = at;
        doneServer = s;
      }
    });
    const stepAt = stepped ? Number.POSITIVE_INFINITY : (options.step?.atSeconds ?? 0) * 1000;
    const next = Math.min(doneAt, nextArrival, stepAt);
    if (next > endMs && nextArrival > endMs) {
      // Drain: no new arrivals, let measured calls finish.
      if (doneAt === Number.POSITIVE_INFINITY) break;
    }
    const at = Math.min(
      doneAt,
      nextArrival > endMs ? Number.POSITIVE_INFINITY : nextArrival,
      stepAt,
    );
    if (at === Number.POSITIVE_INFINITY) break;
    // Work done by everyone until then: each job progresses (at − now) / n, in ms of alone time.
    const elapsed = at - time.now;
    jobs.forEach((list, s) => {
      if (list.length === 0) return;
      const progress = elapsed / list.length / (speeds[s] as number);
      for (const job of list) job.remaining -= progress;
    });
    time.now = at;
    if (at === stepAt && options.step !== undefined) {
      // Remaining work is in fractions of a call, so a new speed applies from now on.
      speeds[options.step.index] = options.step.aloneMs;
      stepped = true;
      continue;
    }
    if (at === doneAt) {
      const list = jobs[doneServer] as Job[];
      let k = 0;
      for (let i = 1; i < list.length; i++) {
        if ((list[i] as Job).remaining < (list[k] as Job).remaining) k = i;
      }
      const [job] = list.splice(k, 1) as [Job];
      const router = routers[job.router] as (typeof routers)[number];
      const sample = router.load.finish(job.ticket);
      const name = (options.computers[doneServer] as SimComputer).name;
      router.tables.succeeded(LAMBDA, name, false, sample.seconds, sample.alone);
      for (const r of routers) {
        if (r.tables.nextDueAt() !== undefined && (r.tables.nextDueAt() as number) <= time.now) {
          r.tables.poll();
        }
      }
      options.onCall?.(job.arrived, doneServer, time.now - job.arrived);
      if (job.measured) {
        latencySum += time.now - job.arrived;
        measured += 1;
      }
      continue;
    }
    // An arrival.
    const r = Math.floor(rng() * routers.length);
    const router = routers[r] as (typeof routers)[number];
    const destination = router.tables.select(LAMBDA, false);
    const s = index.get(destination) as number;
    const ticket = router.load.start(destination);
    const inWindow = time.now >= warmupMs;
    if (inWindow) counts[s] = (counts[s] as number) + 1;
    (jobs[s] as Job[]).push({
      arrived: time.now,
      remaining: 1,
      router: r,
      ticket,
      measured: inWindow,
    });
    nextArrival = time.now - Math.log(1 - rng()) / rate;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    meanMs: latencySum / Math.max(1, measured),
    shares: counts.map((c) => c / Math.max(1, total)),
    calls: measured,
  };
}

/**
 * The best static split for processor-sharing computers (square-root rule): λ_i = μ_i −
 * √μ_i · (Σμ − λ) / Σ√μ, clamped at 0 — as weights for `type=random` (pick ∝ 1/weight).
 */
export function squareRootWeights(aloneMs: readonly number[], load: number): number[] {
  const mu = aloneMs.map((ms) => 1000 / ms);
  const total = mu.reduce((a, b) => a + b, 0);
  const lambda = load * total;
  const roots = mu.reduce((a, m) => a + Math.sqrt(m), 0);
  const split = mu.map((m) => Math.max(1e-9, m - (Math.sqrt(m) * (total - lambda)) / roots));
  return split.map((l) => 1 / l);
}
