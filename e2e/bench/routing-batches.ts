import { BACKGROUND_SIZE } from "./processor-sharing-computers.js";
import type { RoutingStage } from "./routing-cases.js";
import type { PolicyUnderTest } from "./routing-policies.js";

/**
 * Calls/s one policy's copy of a stage carries, from the nominal service times: the routed
 * load, plus case 3's background calls after the step.
 */
export function nominalCallsPerSecond(stage: RoutingStage): number {
  const capacity = (serviceMs: number) => 1000 / serviceMs;
  const slowdown = stage.step?.slowdown ?? 1;
  const after = stage.computers.map((c) =>
    c.name === stage.step?.computer ? capacity(c.serviceMs) / slowdown : capacity(c.serviceMs),
  );
  const routed = stage.load * after.reduce((s, mu) => s + mu, 0);
  const stepped = stage.computers.find((c) => c.name === stage.step?.computer);
  const background =
    stepped === undefined
      ? 0
      : (capacity(stepped.serviceMs) * (1 - 1 / slowdown)) / BACKGROUND_SIZE;
  return routed + background;
}

/**
 * Splits a stage's policies into batches that run one after the other, each with its own copy
 * of the baseline (the first policy) and at most `maxCallsPerSecond` in all. On this machine a
 * routed call costs ~2 ms of CPU across client, router and computer; past about half the cores
 * the simulated computers' timers run late and every latency grows, so a stage whose policies
 * would together offer more runs in batches of equal size rather than all at once.
 */
export function policyBatches(
  policies: readonly PolicyUnderTest[],
  callsPerSecondEach: number,
  maxCallsPerSecond: number,
): PolicyUnderTest[][] {
  const [baseline, ...others] = policies;
  if (baseline === undefined) return [];
  const fit = Math.max(2, Math.floor(maxCallsPerSecond / callsPerSecondEach));
  const batches = Math.max(1, Math.ceil(others.length / (fit - 1)));
  const size = Math.ceil(others.length / batches);
  return Array.from({ length: batches }, (_, b) => [
    baseline,
    ...others.slice(b * size, (b + 1) * size),
  ]).filter((batch) => batch.length > 1 || others.length === 0);
}
