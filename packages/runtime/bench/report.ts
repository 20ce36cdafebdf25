import { fixed, type Measurement, measured, times } from "@soe/bench";

/** The hop DESIGN §8 states the runtime's targets against. */
export const yardstick = "grpc-js";

/** The runtime hop against its targets (DESIGN §8): CPU per call at c=32, added p50 at c=1. */
export function summaryLine(measurements: readonly Measurement[]): string {
  const at = (variant: string, c: number) =>
    measured(measurements.find((m) => m.variant === variant && m.concurrency === c));
  const cpuRatio = (c: number) => {
    const runtime = at("runtime", c)?.hop;
    const base = at(yardstick, c)?.hop;
    return runtime === undefined || base === undefined
      ? "n/a"
      : times(runtime.cpuUsPerCall / base.cpuUsPerCall);
  };
  const runtime1 = at("runtime", 1);
  const direct1 = at("direct", 1);
  const added =
    runtime1 === undefined || direct1 === undefined
      ? "n/a"
      : `${fixed(runtime1.p50Ms - direct1.p50Ms, 3)} ms`;
  return (
    `runtime CPU/call = ${cpuRatio(32)} grpc-js at c=32 (c=1: ${cpuRatio(1)}) ` +
    "(target ≤ 1.0, moonshot ≤ 0.7); " +
    `added p50 at c=1 = ${added} (target ≤ 0.25)`
  );
}
