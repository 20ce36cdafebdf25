import { LatencySamples, mean, percentile } from "@soe/bench";
import type { RoutedCall } from "./routing-split-recovery.js";

/** What the routing bench needs to know of one call (see poisson-load.ts's CallRecord). */
export interface CallOutcome {
  readonly atMs: number;
  /** NaN when the call failed or was never answered. */
  readonly latencyMs: number;
  readonly responder: string;
  readonly error: string | undefined;
  readonly waited: boolean;
}

export interface CallStats {
  /** Calls that arrived in the window. */
  readonly arrivals: number;
  readonly answered: number;
  /** Arrivals that failed or were never answered. */
  readonly failed: number;
  readonly firstError: string | undefined;
  /** Arrivals that waited for a free slot of their client. */
  readonly waited: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Share of the answered calls each computer served, in the order of `computers` (0-1). */
  readonly shares: readonly number[];
}

/**
 * Latency and split of the calls that arrived in [fromMs, toMs): the measured window, whatever
 * warm-up came before. `computers` are the end-points the responders name, in report order.
 */
export function callStats(
  calls: readonly CallOutcome[],
  window: { readonly fromMs: number; readonly toMs: number },
  computers: readonly string[],
): CallStats {
  const latencies = new LatencySamples();
  const served = computers.map(() => 0);
  let arrivals = 0;
  let failed = 0;
  let waited = 0;
  let firstError: string | undefined;
  for (const call of calls) {
    if (call.atMs < window.fromMs || call.atMs >= window.toMs) continue;
    arrivals++;
    if (call.waited) waited++;
    if (Number.isNaN(call.latencyMs)) {
      failed++;
      firstError ??= call.error ?? "no answer";
      continue;
    }
    latencies.add(call.latencyMs);
    const at = computers.indexOf(call.responder);
    if (at >= 0) served[at] = (served[at] ?? 0) + 1;
  }
  const sorted = latencies.sorted();
  return {
    arrivals,
    answered: latencies.count,
    failed,
    firstError,
    waited,
    meanMs: mean(sorted),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
    shares: served.map((n) => (latencies.count === 0 ? Number.NaN : n / latencies.count)),
  };
}

/** The answered calls as the split-recovery measure wants them, sorted by arrival. */
export function routedCalls(
  calls: readonly CallOutcome[],
  computers: readonly string[],
): RoutedCall[] {
  const routed: RoutedCall[] = [];
  for (const call of calls) {
    const computer = computers.indexOf(call.responder);
    if (!Number.isNaN(call.latencyMs) && computer >= 0) routed.push({ atMs: call.atMs, computer });
  }
  return routed.sort((a, b) => a.atMs - b.atMs);
}
