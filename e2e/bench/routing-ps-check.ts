/**
 * What the bench measured of one computer before the runs, and whether that is processor
 * sharing. The old setup (as many cores as workers) let a call run at full speed whatever else
 * ran, so any policy favouring the fast computer looked optimal; a container with one worker
 * queues calls FIFO instead. Neither is what this bench claims to measure, so it refuses to
 * report on them.
 */
export interface ComputerProbe {
  /** Mean latency of calls made one after another, nothing else running, ms. */
  readonly aloneMs: number;
  /** Calls sent together in each batch. */
  readonly batchSize: number;
  /** Mean latency of the calls of a batch, ms. */
  readonly batchMeanMs: number;
  /** Mean latency of the first call of each batch to end, ms. */
  readonly batchFirstMs: number;
  /** Calls/s under saturation (a closed loop keeping the computer busy), by Little's law. */
  readonly capacity: number;
}

/**
 * Least slow-down of concurrent calls that passes for processor sharing. Ideal: batchSize× the
 * processor time, less since a call alone also carries the RPC and the computer's ms timer; with
 * two cores, four calls at once take about 2× instead, and that is refused.
 */
export const MIN_SLOWDOWN = 2;

/** Why `probe` is not a single-core processor-sharing computer; empty when it is one. */
export function processorSharingProblems(name: string, probe: ComputerProbe): string[] {
  const { aloneMs, batchSize, batchMeanMs, batchFirstMs } = probe;
  const problems: string[] = [];
  const slowdown = batchMeanMs / aloneMs;
  const first = batchFirstMs / aloneMs;
  const x = (v: number) => `${v.toFixed(2)}×`;
  if (!(slowdown >= MIN_SLOWDOWN)) {
    problems.push(
      `${name}: ${batchSize} calls at once take ${batchMeanMs.toFixed(1)} ms each, ${x(slowdown)} ` +
        `the ${aloneMs.toFixed(1)} ms of a call alone (processor sharing: ~${batchSize}×, at least ` +
        `${MIN_SLOWDOWN}×): calls do not slow down with load (more than one core per processor?)`,
    );
  } else if (!(first >= MIN_SLOWDOWN)) {
    problems.push(
      `${name}: the first of ${batchSize} calls at once ends in ${batchFirstMs.toFixed(1)} ms, ` +
        `${x(first)} a call alone: calls wait in a FIFO (too few workers), they do not share the core`,
    );
  }
  return problems;
}
