import { OtlpReceiver } from "../test/support/otlp-receiver.js";

/**
 * BENCH_TRACING (issue 14): `off` (default: no OTEL_* variable, the SDK never loaded) or `on`:
 * every process exports over OTLP/HTTP protobuf (the default protocol) to a sink in the bench
 * process, every call sampled (parentbased_traceidratio with ratio 1.0; the load client sends
 * no traceparent, so the proxy starts each trace). The sink decodes nothing; its CPU is the
 * client's, as a collector's would be on another machine.
 */
export type BenchTracing = "off" | "on" | "compare";

/**
 * `compare`: two domains side by side, one traced, one not, measured one right after the other
 * at each concurrency: on a shared machine whose load swings by ±50 % between runs, only a
 * ratio within one run resolves a cost of a few percent.
 */
export function benchTracingFromEnv(env: NodeJS.ProcessEnv = process.env): BenchTracing {
  const value = env.BENCH_TRACING ?? "off";
  if (value !== "off" && value !== "on" && value !== "compare") {
    throw new Error(`BENCH_TRACING must be off, on or compare, not "${value}"`);
  }
  return value;
}

/** The traced domain's row in `compare` mode. */
export const TRACED_VARIANT = "full, tracing on";

interface CostRow {
  readonly variant: string;
  readonly concurrency: number;
  readonly failure?: string | undefined;
  readonly hopsCpuUsPerCall?: number | undefined;
  readonly hopCpuUsPerCall?: Readonly<Record<string, number>>;
}

/** `compare`: what tracing adds to the hops' CPU per call, in total and hop by hop. */
export function formatTracingCost(rows: readonly CostRow[], offVariant: string): string {
  const lines: string[] = [];
  for (const c of [...new Set(rows.map((r) => r.concurrency))]) {
    const off = rows.find((r) => r.concurrency === c && r.variant === offVariant);
    const on = rows.find((r) => r.concurrency === c && r.variant === TRACED_VARIANT);
    if (off?.hopsCpuUsPerCall === undefined || on?.hopsCpuUsPerCall === undefined) continue;
    const pct = (a: number, b: number) =>
      `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(1)} %`;
    const hops = Object.keys(off.hopCpuUsPerCall ?? {})
      .map((name) => {
        const a = off.hopCpuUsPerCall?.[name] ?? Number.NaN;
        const b = on.hopCpuUsPerCall?.[name] ?? Number.NaN;
        return `${name} ${a.toFixed(0)} → ${b.toFixed(0)} (${pct(a, b)})`;
      })
      .join(", ");
    lines.push(
      `c=${c}: hops ${off.hopsCpuUsPerCall.toFixed(0)} → ${on.hopsCpuUsPerCall.toFixed(0)} µs/call ` +
        `(${pct(off.hopsCpuUsPerCall, on.hopsCpuUsPerCall)}); ${hops}`,
    );
  }
  return lines.join("\n");
}

export interface TracingSink {
  /** The variables every process of the domain gets. */
  readonly env: Readonly<Record<string, string>>;
  /** Export requests and bytes received so far. */
  summary(): string;
  close(): Promise<void>;
}

export async function startTracingSink(): Promise<TracingSink> {
  const receiver = await OtlpReceiver.start();
  return {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "1.0",
    },
    summary: () =>
      `tracing sink: ${receiver.exports} OTLP exports, ${(receiver.bytes / 1e6).toFixed(1)} MB`,
    close: () => receiver.close(),
  };
}
