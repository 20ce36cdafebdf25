import { OtlpReceiver } from "../test/support/otlp-receiver.js";

/**
 * BENCH_TRACING (issue 14): `off` (default: no OTEL_* variable, the SDK never loaded) or `on`:
 * every process exports over OTLP/HTTP protobuf (the default protocol) to a sink in the bench
 * process, every call sampled (parentbased_traceidratio with ratio 1.0; the load client sends
 * no traceparent, so the proxy starts each trace). The sink decodes nothing; its CPU is the
 * client's, as a collector's would be on another machine.
 */
export type BenchTracing = "off" | "on";

export function benchTracingFromEnv(env: NodeJS.ProcessEnv = process.env): BenchTracing {
  const value = env.BENCH_TRACING ?? "off";
  if (value !== "off" && value !== "on") {
    throw new Error(`BENCH_TRACING must be off or on, not "${value}"`);
  }
  return value;
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
