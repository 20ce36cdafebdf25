import { Conf, defineProgram, type OptionValues, parseTraceparent } from "@soe/runtime";
import { errorText, UsageError } from "./cli-io.js";
import type { EdgeClientSettings } from "./edge-client.js";
import { STDOUT_PATH } from "./output-file.js";
import { INTER_REQUEST_TYPES, parseInterRequestType } from "./pacing.js";
import { tlsOptionSpecs, transportOptions } from "./transport-options.js";

/**
 * edgeclient's options: the reference's names and defaults (reference §7.1), so its documented
 * commands work unchanged (`--server 127.0.0.1:6473 --inter-request-time 1 --max-requests 5`),
 * plus the open loop (`--rate`, `--max-in-flight`), a deadline and TLS.
 */
export const edgeClientProgram = defineProgram({
  name: "edgeclient",
  version: "0.1.0",
  summary: "Sends lambda requests to an edge router or computer and measures them (reference §7).",
  options: {
    serverEndpoints: {
      type: "string",
      default: "localhost:6473",
      help: "comma-separated end-points; several → multi-destination client, failing over: a request a destination refused (down) goes to the next",
    },
    // The reference's default had a stray space (" persistence"), breaking multi-destination mode.
    clientConf: {
      type: "string",
      default: "type=grpc,persistence=0.05",
      help: "type=grpc; persistence = probability of also calling each other destination",
    },
    lambda: { type: "string", default: "clambda0", help: "lambda function name" },
    sizes: {
      type: "string",
      default: "100",
      help: 'comma-separated input sizes (bytes of {"input":"A…"}); each request picks one',
    },
    content: {
      type: "string",
      default: "",
      help: "fixed input of every request (overrides sizes)",
    },
    outputFile: { type: "string", default: STDOUT_PATH, help: "where result lines go" },
    append: { type: "boolean", help: "append to the output file instead of truncating it" },
    duration: { type: "number", default: 0, help: "seconds to run; 0 = until max-requests" },
    maxRequests: {
      type: "integer",
      help: "requests per thread (with --rate: in all) (default: unlimited)",
    },
    numThreads: { type: "integer", default: 1, help: "independent closed-loop clients" },
    initialDelay: { type: "number", default: 0, help: "seconds to wait before starting" },
    interRequestTime: { type: "number", default: 0, help: "mean time between requests, seconds" },
    interRequestType: {
      type: "string",
      default: "constant",
      help: `one of: ${INTER_REQUEST_TYPES.join(", ")} (also the arrivals of --rate)`,
    },
    dry: { type: "boolean", help: "ask for estimates; result lines show the processing time" },
    seed: { type: "integer", default: 0, help: "seed of sizes, gaps and destination picks" },
    rate: {
      type: "number",
      help: "open loop: requests per second, not waiting for responses (excludes --num-threads, --inter-request-time)",
    },
    maxInFlight: {
      type: "integer",
      default: 1000,
      help: "open loop: requests outstanding at most; arrivals beyond are dropped and counted",
    },
    timeout: { type: "number", default: 60, help: "deadline of each request, seconds (0: none)" },
    traceparent: {
      type: "string",
      default: "",
      help: "W3C traceparent every request continues (default: env TRACEPARENT; with OTEL_EXPORTER_OTLP_ENDPOINT set, each request is also a span)",
    },
    tracestate: {
      type: "string",
      default: "",
      help: "W3C tracestate sent with --traceparent (default: env TRACESTATE)",
    },
    ...tlsOptionSpecs,
  },
});

export type EdgeClientValues = OptionValues<(typeof edgeClientProgram)["options"]>;

/** Checks and converts parsed options; a bad value is a UsageError (exit code 2). */
export function edgeClientSettings(
  values: EdgeClientValues,
  env: Readonly<Record<string, string | undefined>> = process.env,
): EdgeClientSettings {
  const serverEndpoints = [...new Set(values.serverEndpoints.split(",").filter((e) => e !== ""))];
  if (serverEndpoints.length === 0) throw new UsageError("Empty end-points");
  const persistence = clientConfPersistence(values.clientConf, serverEndpoints.length > 1);

  const sizeTexts = values.sizes.split(",");
  if (sizeTexts.some((s) => !/^\d+$/.test(s))) throw new UsageError("Invalid --sizes option");
  const atLeast = (name: string, value: number, min: number) => {
    if (!(value >= min)) throw new UsageError(`--${name} must be at least ${min}`);
    return value;
  };
  const { rate } = values;
  if (rate !== undefined) {
    if (!(rate > 0)) throw new UsageError("--rate must be positive");
    if (values.numThreads !== 1) throw new UsageError("--rate excludes --num-threads");
    if (values.interRequestTime !== 0) throw new UsageError("--rate excludes --inter-request-time");
    // The multi-destination client serialises calls (reference §7.3): it has no open loop.
    if (serverEndpoints.length > 1) throw new UsageError("--rate takes a single server end-point");
  }

  return {
    serverEndpoints,
    persistence,
    lambda: values.lambda,
    sizes: sizeTexts.map(Number),
    content: values.content,
    dry: values.dry,
    durationSeconds: atLeast("duration", values.duration, 0),
    maxRequests: atLeast("max-requests", values.maxRequests ?? Number.POSITIVE_INFINITY, 0),
    numThreads: atLeast("num-threads", values.numThreads, 1),
    initialDelaySeconds: atLeast("initial-delay", values.initialDelay, 0),
    interRequestSeconds: atLeast("inter-request-time", values.interRequestTime, 0),
    interRequestType: parseInterRequestType(values.interRequestType),
    seed: values.seed,
    rate,
    maxInFlight: atLeast("max-in-flight", values.maxInFlight, 1),
    transport: transportOptions(values, atLeast("timeout", values.timeout, 0) * 1000),
    traceParent: traceParentOf(values.traceparent, values.tracestate, env),
  };
}

/**
 * `--traceparent` (and `--tracestate`), else the TRACEPARENT/TRACESTATE variables that
 * OpenTelemetry's environment carriers use for command-line tools. A bad value is a usage
 * error: a trace silently not continued is worse.
 */
export function traceParentOf(
  option: string,
  stateOption: string,
  env: Readonly<Record<string, string | undefined>>,
) {
  const fromOption = option !== "";
  const traceparent = fromOption ? option : (env.TRACEPARENT ?? "");
  if (traceparent === "") return undefined;
  const parsed = parseTraceparent(traceparent, fromOption ? stateOption : (env.TRACESTATE ?? ""));
  if (parsed === undefined) {
    throw new UsageError(
      `invalid ${fromOption ? "--traceparent" : "TRACEPARENT"} (want 00-<32 hex>-<16 hex>-<2 hex>)`,
    );
  }
  return parsed;
}

/** `--client-conf` (reference §7.1): only gRPC; `persistence` matters with several end-points. */
function clientConfPersistence(text: string, multi: boolean): number {
  try {
    const { conf } = Conf.parse(text);
    const type = conf.getString("type");
    if (type !== "grpc") throw new UsageError(`unsupported client type '${type}' (only grpc)`);
    if (!multi) return 0;
    const persistence = conf.getDouble("persistence");
    if (!(persistence >= 0 && persistence <= 1)) {
      throw new UsageError(`persistence probability (${persistence}) cannot be < 0 or > 1`);
    }
    return persistence;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`invalid --client-conf: ${errorText(error)}`);
  }
}
