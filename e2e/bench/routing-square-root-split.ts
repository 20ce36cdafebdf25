/**
 * The best static split of Poisson arrivals over processor-sharing servers (reference §5.1 with
 * one core per processor: an M/G/1-PS queue each). A server of capacity μ (calls/s) fed λ calls/s
 * keeps a call 1/(μ − λ) s on average, whatever the distribution of the work (PS is insensitive
 * to it), so the split that minimises the mean latency over all calls minimises
 * Σ λ_i/(μ_i − λ_i) subject to Σ λ_i = λ. Its Lagrange condition μ_i/(μ_i − λ_i)² = ν gives the
 * square-root rule λ_i = μ_i − √μ_i·(Σμ − λ)/Σ√μ over the servers that get any load; a slow
 * server whose share would be negative gets none, and the rule is solved again over the others
 * (water-filling: the active servers are always the fastest ones).
 */

/** The calls/s each server gets in the best static split of `rate` calls/s. */
export function squareRootSplit(capacities: readonly number[], rate: number): number[] {
  for (const mu of capacities) {
    if (!(mu > 0) || !Number.isFinite(mu)) throw new Error(`invalid capacity: ${mu}`);
  }
  const total = capacities.reduce((sum, mu) => sum + mu, 0);
  if (!(rate >= 0)) throw new Error(`invalid rate: ${rate}`);
  if (rate >= total) {
    throw new Error(`no stable split: ${rate} calls/s is at least the joint capacity ${total}`);
  }
  // Fastest first: when a share goes negative, the slowest active server is dropped.
  const active = capacities.map((_, i) => i).sort((a, b) => cap(b) - cap(a));
  const rates = capacities.map(() => 0);
  if (rate === 0) return rates;
  for (;;) {
    const mu = active.reduce((sum, i) => sum + cap(i), 0);
    const roots = active.reduce((sum, i) => sum + Math.sqrt(cap(i)), 0);
    const level = (mu - rate) / roots;
    const slowest = active[active.length - 1] as number;
    if (cap(slowest) - Math.sqrt(cap(slowest)) * level < 0) {
      active.pop();
      continue;
    }
    for (const i of active) rates[i] = cap(i) - Math.sqrt(cap(i)) * level;
    return rates;
  }

  function cap(i: number): number {
    return capacities[i] as number;
  }
}

/**
 * Mean latency (ms) over all calls when server i of capacity μ_i gets λ_i calls/s, each an
 * M/G/1-PS queue: Σ (λ_i/λ)·1/(μ_i − λ_i). Infinite when a loaded server is overloaded.
 */
export function psMeanLatencyMs(capacities: readonly number[], rates: readonly number[]): number {
  const total = rates.reduce((sum, r) => sum + r, 0);
  if (!(total > 0)) return Number.NaN;
  let mean = 0;
  rates.forEach((lambda, i) => {
    if (lambda === 0) return;
    const mu = capacities[i] as number;
    mean += lambda >= mu ? Number.POSITIVE_INFINITY : (lambda / total) * (1 / (mu - lambda));
  });
  return mean * 1000;
}

/** Rates as shares of their sum (0-1). */
export function sharesOf(rates: readonly number[]): number[] {
  const total = rates.reduce((sum, r) => sum + r, 0);
  return rates.map((r) => r / total);
}
