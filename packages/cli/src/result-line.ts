import { formatCppFloat } from "@soe/reference";
import type { SummaryStat } from "./summary-stat.js";

export interface ResultLine {
  /** Seconds since the client started. */
  readonly time: number;
  /** Latency in seconds, or the response's processing time with --dry. */
  readonly value: number;
  readonly load1: number;
  readonly responder: string;
  readonly lambda: string;
  readonly hops: number;
}

/**
 * The six-column line edgeclient writes per OK response (reference §7.2), numbers as a C++
 * stream prints them: `1.11078 0.109332 0 127.0.0.1:10001 clambda0 2`. An empty responder (a
 * direct call to a simulated computer) leaves an empty column, as in the reference.
 */
export function formatResultLine(line: ResultLine): string {
  const { time, value, load1, responder, lambda, hops } = line;
  return `${formatCppFloat(time)} ${formatCppFloat(value)} ${load1} ${responder} ${lambda} ${hops}\n`;
}

/**
 * `latency <mean> +- <stddev>` as the reference logs it at exit (reference §7.2), followed by
 * what it lacked: `p50 <x> p90 <y> p99 <z>`. Seconds.
 */
export function formatStatLine(label: string, stat: SummaryStat): string {
  const f = formatCppFloat;
  return (
    `${label} ${f(stat.mean)} +- ${f(stat.stddev)}` +
    ` p50 ${f(stat.percentile(50))} p90 ${f(stat.percentile(90))} p99 ${f(stat.percentile(99))}\n`
  );
}
