/**
 * Tracing configuration from the standard OpenTelemetry environment variables
 * (opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables), as pure parsing:
 * no SDK is loaded here, so a process with tracing off pays nothing for it.
 *
 * Tracing is on only when an OTLP end-point is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), and not switched off by `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none`. Bad values are warnings with the default used, as the
 * specification asks; a transport we do not ship (grpc) turns tracing off with a warning
 * rather than exporting to the wrong place.
 */

export type TraceEnv = Readonly<Record<string, string | undefined>>;

export type OtlpProtocol = "http/protobuf" | "http/json";

export type SamplerKind =
  | "always_on"
  | "always_off"
  | "traceidratio"
  | "parentbased_always_on"
  | "parentbased_always_off"
  | "parentbased_traceidratio";

export interface SamplerConfig {
  readonly kind: SamplerKind;
  /** For the ratio samplers: the fraction of new traces kept, in [0, 1]. */
  readonly ratio: number;
}

export interface BatchConfig {
  readonly scheduledDelayMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly exportTimeoutMs: number;
}

export interface TracingConfig {
  readonly serviceName: string;
  /** Where spans are POSTed: the traces end-point as given, or the base end-point + `/v1/traces`. */
  readonly tracesUrl: string;
  readonly protocol: OtlpProtocol;
  /** Sent with every export; values may be keys: never log them (see describeTracingConfig). */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: "gzip" | "none";
  readonly sampler: SamplerConfig;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly batch: BatchConfig;
}

export type TracingSetup =
  | { readonly enabled: false; readonly warnings: readonly string[] }
  | {
      readonly enabled: true;
      readonly config: TracingConfig;
      readonly warnings: readonly string[];
    };

const SAMPLERS: readonly SamplerKind[] = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
];

/** The SDK's defaults (BatchSpanProcessor, OTLP exporter). */
const DEFAULT_BATCH: BatchConfig = {
  scheduledDelayMs: 5_000,
  maxQueueSize: 2_048,
  maxExportBatchSize: 512,
  exportTimeoutMs: 30_000,
};
const DEFAULT_TIMEOUT_MS = 10_000;

/** Reads the `OTEL_*` variables; `defaultServiceName` is the binary's name. */
export function parseTracingConfig(env: TraceEnv, defaultServiceName: string): TracingSetup {
  const warnings: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const off = { enabled: false as const, warnings };

  if (get("OTEL_SDK_DISABLED")?.toLowerCase() === "true") return off;
  const exporter = get("OTEL_TRACES_EXPORTER")?.toLowerCase();
  if (exporter === "none") return off;
  if (exporter !== undefined && exporter !== "otlp") {
    warnings.push(`OTEL_TRACES_EXPORTER=${exporter} is not supported (only otlp); using otlp`);
  }

  const tracesEndpoint = get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const baseEndpoint = get("OTEL_EXPORTER_OTLP_ENDPOINT");
  if (tracesEndpoint === undefined && baseEndpoint === undefined) return off;
  const tracesUrl = tracesEndpoint ?? joinTracesPath(baseEndpoint as string);
  if (!isHttpUrl(tracesUrl)) {
    const name = tracesEndpoint
      ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
      : "OTEL_EXPORTER_OTLP_ENDPOINT";
    warnings.push(`${name} is not an http(s) URL; tracing is off`);
    return off;
  }

  const protocolName =
    get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ??
    get("OTEL_EXPORTER_OTLP_PROTOCOL") ??
    "http/protobuf";
  if (protocolName === "grpc") {
    warnings.push(
      "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported here (the grpc exporter is not installed): " +
        "use http/protobuf (default) or http/json, usually on port 4318; tracing is off",
    );
    return off;
  }
  let protocol: OtlpProtocol = "http/protobuf";
  if (protocolName === "http/json") protocol = "http/json";
  else if (protocolName !== "http/protobuf") {
    warnings.push(
      `OTLP protocol '${protocolName}' is not one of http/protobuf, http/json; using http/protobuf`,
    );
  }

  const headers = {
    ...parseKeyValues(get("OTEL_EXPORTER_OTLP_HEADERS"), "OTEL_EXPORTER_OTLP_HEADERS", warnings),
    ...parseKeyValues(
      get("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
      "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
      warnings,
    ),
  };
  const timeoutMs = positiveInteger(
    get("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? get("OTEL_EXPORTER_OTLP_TIMEOUT"),
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    DEFAULT_TIMEOUT_MS,
    warnings,
  );
  const compressionName =
    get("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION") ?? get("OTEL_EXPORTER_OTLP_COMPRESSION") ?? "none";
  let compression: "gzip" | "none" = "none";
  if (compressionName === "gzip") compression = "gzip";
  else if (compressionName !== "none") {
    warnings.push(`OTLP compression '${compressionName}' is not one of gzip, none; using none`);
  }

  const resourceAttributes = parseKeyValues(
    get("OTEL_RESOURCE_ATTRIBUTES"),
    "OTEL_RESOURCE_ATTRIBUTES",
    warnings,
  );
  // OTEL_SERVICE_NAME wins over service.name in the resource attributes (specification).
  const serviceName =
    get("OTEL_SERVICE_NAME") ?? resourceAttributes["service.name"] ?? defaultServiceName;

  return {
    enabled: true,
    warnings,
    config: {
      serviceName,
      tracesUrl,
      protocol,
      headers,
      timeoutMs,
      compression,
      sampler: parseSampler(get("OTEL_TRACES_SAMPLER"), get("OTEL_TRACES_SAMPLER_ARG"), warnings),
      resourceAttributes,
      batch: {
        scheduledDelayMs: nonNegativeInteger(
          get("OTEL_BSP_SCHEDULE_DELAY"),
          "OTEL_BSP_SCHEDULE_DELAY",
          DEFAULT_BATCH.scheduledDelayMs,
          warnings,
        ),
        maxQueueSize: positiveInteger(
          get("OTEL_BSP_MAX_QUEUE_SIZE"),
          "OTEL_BSP_MAX_QUEUE_SIZE",
          DEFAULT_BATCH.maxQueueSize,
          warnings,
        ),
        maxExportBatchSize: positiveInteger(
          get("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"),
          "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
          DEFAULT_BATCH.maxExportBatchSize,
          warnings,
        ),
        exportTimeoutMs: positiveInteger(
          get("OTEL_BSP_EXPORT_TIMEOUT"),
          "OTEL_BSP_EXPORT_TIMEOUT",
          DEFAULT_BATCH.exportTimeoutMs,
          warnings,
        ),
      },
    },
  };
}

/**
 * One line for the start-up log: where spans go and how they are sampled. Header names only,
 * never their values (OTEL_EXPORTER_OTLP_HEADERS carries API keys); the URL without
 * credentials or query.
 */
export function describeTracingConfig(config: TracingConfig): Record<string, unknown> {
  const url = new URL(config.tracesUrl);
  return {
    serviceName: config.serviceName,
    tracesUrl: `${url.protocol}//${url.host}${url.pathname}`,
    protocol: config.protocol,
    sampler: config.sampler.kind.endsWith("traceidratio")
      ? `${config.sampler.kind}(${config.sampler.ratio})`
      : config.sampler.kind,
    exportHeaders: Object.keys(config.headers),
  };
}

/** The specification: the base end-point gets `v1/traces` appended, with one slash between. */
function joinTracesPath(base: string): string {
  try {
    const url = new URL(base);
    url.pathname = `${url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`}v1/traces`;
    return url.toString();
  } catch {
    return base; // not a URL: refused by the caller
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** W3C Baggage-like `key=value,key2=value2` with percent-encoded values (headers, attributes). */
export function parseKeyValues(
  text: string | undefined,
  name: string,
  warnings: string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq).trim();
    if (key === "") {
      // The entry itself may be a secret: name the variable, never the text.
      warnings.push(`${name}: an entry without a key=value form was ignored`);
      continue;
    }
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      warnings.push(`${name}: the value of '${key}' is not valid percent-encoding; kept as is`);
    }
    out[key] = value;
  }
  return out;
}

function parseSampler(
  name: string | undefined,
  arg: string | undefined,
  warnings: string[],
): SamplerConfig {
  let kind: SamplerKind = "parentbased_always_on";
  if (name !== undefined) {
    const lower = name.toLowerCase();
    if ((SAMPLERS as readonly string[]).includes(lower)) kind = lower as SamplerKind;
    else {
      warnings.push(
        `OTEL_TRACES_SAMPLER=${name} is not one of ${SAMPLERS.join(", ")}; using parentbased_always_on`,
      );
    }
  }
  let ratio = 1;
  if (kind.endsWith("traceidratio") && arg !== undefined) {
    const value = Number(arg);
    if (Number.isFinite(value) && value >= 0 && value <= 1) ratio = value;
    else warnings.push(`OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio in [0, 1]; using 1`);
  }
  return { kind, ratio };
}

function positiveInteger(
  text: string | undefined,
  name: string,
  fallback: number,
  warnings: string[],
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (Number.isInteger(value) && value > 0) return value;
  warnings.push(`${name}=${text} is not a positive integer; using ${fallback}`);
  return fallback;
}

function nonNegativeInteger(
  text: string | undefined,
  name: string,
  fallback: number,
  warnings: string[],
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (Number.isInteger(value) && value >= 0) return value;
  warnings.push(`${name}=${text} is not a non-negative integer; using ${fallback}`);
  return fallback;
}
