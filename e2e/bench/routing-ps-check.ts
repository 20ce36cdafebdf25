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
 * How much of processor sharing's slow-down a batch must show. k calls at once on one core take
 * the time of a call alone plus (k − 1) service times (each gets 1/k of the core); the RPC and
 * the computer's millisecond timer add the same to both, so the growth, not the ratio, is what
 * the model decides. At least half of it is required: with two cores, four calls grow by one
 * service time instead of three, and that is refused; with as many cores as workers (the old
 * setup), by nothing.
 */
export const MIN_GROWTH = 0.5;

/**
 * Why `probe` is not a single-core processor-sharing computer whose calls take `serviceMs` of
 * processor alone; empty when it is one.
 */
export function processorSharingProblems(
  name: string,
  probe: ComputerProbe,
  serviceMs: number,
): string[] {
  const { aloneMs, batchSize, batchMeanMs, batchFirstMs } = probe;
  const problems: string[] = [];
  const expected = (batchSize - 1) * serviceMs;
  const growth = (batchMeanMs - aloneMs) / expected;
  const firstGrowth = (batchFirstMs - aloneMs) / expected;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  if (!(growth >= MIN_GROWTH)) {
    problems.push(
      `${name}: ${batchSize} calls at once take ${ms(batchMeanMs)} each against ${ms(aloneMs)} alone: ` +
        `${ms(batchMeanMs - aloneMs)} more, ${(growth * 100).toFixed(0)} % of the ${ms(expected)} processor ` +
        `sharing adds on one core (at least ${MIN_GROWTH * 100} % required): calls do not slow down with ` +
        "load (more than one core per processor?)",
    );
  } else if (!(firstGrowth >= MIN_GROWTH)) {
    problems.push(
      `${name}: the first of ${batchSize} calls at once ends in ${ms(batchFirstMs)}, ` +
        `${ms(batchFirstMs - aloneMs)} later than a call alone (processor sharing: ${ms(expected)}): ` +
        "calls wait in a FIFO (too few workers), they do not share the core",
    );
  }
  return problems;
}
