import type { ContainerSpec } from "./container.js";
import type { ProcessorSpec, ProcessorType } from "./processor.js";
import type { ComputerProfile } from "./profiles.js";
import type { OutputSpec, Requirements } from "./sim-lambda.js";

/**
 * The JSON profile file of reference §5.2 (`--conf type=file,path=…`):
 *
 * ```json
 * { "version": "1.0",
 *   "processors": [ { "name": "arm", "type": "GenericCpu", "speed": 4e9, "cores": 1, "memory": 5e8 } ],
 *   "containers": [ { "name": "ccontainer0", "processor": "arm", "num-workers": 1,
 *     "lambda": { "name": "clambda0", "requirements": "proportional",
 *                 "output-type": "copy-input",            // or "fixed", with "output-value": "…"
 *                 "op-coeff": 1e6, "op-offset": 4e6, "mem-coeff": 100, "mem-offset": 0 } } ] }
 * ```
 *
 * `type` is GenericCpu or GenericGpu; speed is ops/s per core, memory bytes. Any missing key is
 * "Missing key: K"; another version, requirements or output-type is rejected, as by the
 * reference. Our one extension: `"requirements": "fixed"` with `"ops"` and `"mem"` instead of the
 * four coefficients.
 */
export class ProfileFileError extends Error {
  override readonly name = "ProfileFileError";
}

export const PROFILE_FILE_VERSION = "1.0";

/** Parses a profile file's text; throws ProfileFileError with the reference's messages. */
export function parseProfileFile(text: string): ComputerProfile {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new ProfileFileError(`Invalid JSON profile: ${(error as Error).message}`);
  }
  const top = object(root, "profile");
  const version = string(top, "version");
  if (version !== PROFILE_FILE_VERSION)
    throw new ProfileFileError(`Unsupported version: ${version}`);
  return {
    processors: array(top, "processors").map((item) => processor(object(item, "processors"))),
    containers: array(top, "containers").map((item) => container(object(item, "containers"))),
  };
}

/**
 * The sample `--json-example` prints (reference §5.2): one single-core 4e9 ops/s `arm` with 500e6
 * bytes, and `ccontainer0` with one worker running a copy-input `clambda0`. (The reference names
 * the sample lambda `clambda@1`; we use `clambda0` so the sample serves the clients' default.)
 */
export function profileFileExample(): string {
  const example = {
    version: PROFILE_FILE_VERSION,
    processors: [{ name: "arm", type: "GenericCpu", speed: 4e9, cores: 1, memory: 500e6 }],
    containers: [
      {
        name: "ccontainer0",
        processor: "arm",
        "num-workers": 1,
        lambda: {
          name: "clambda0",
          requirements: "proportional",
          "output-type": "copy-input",
          "op-coeff": 1e6,
          "op-offset": 4e6,
          "mem-coeff": 100,
          "mem-offset": 0,
        },
      },
    ],
  };
  return JSON.stringify(example, null, 2);
}

type Json = Record<string, unknown>;

function processor(item: Json): ProcessorSpec {
  const type = string(item, "type");
  if (type !== "GenericCpu" && type !== "GenericGpu") {
    throw new ProfileFileError(`Invalid processor type: ${type}`);
  }
  return {
    name: string(item, "name"),
    type: type satisfies ProcessorType,
    speed: number(item, "speed"),
    cores: number(item, "cores"),
    memory: number(item, "memory"),
  };
}

function container(item: Json): ContainerSpec {
  const lambda = object(required(item, "lambda"), "lambda");
  return {
    name: string(item, "name"),
    processor: string(item, "processor"),
    workers: number(item, "num-workers"),
    lambda: {
      name: string(lambda, "name"),
      requirements: requirements(lambda),
      output: output(lambda),
    },
  };
}

function requirements(lambda: Json): Requirements {
  const kind = string(lambda, "requirements");
  if (kind === "proportional") {
    return {
      kind,
      opCoeff: number(lambda, "op-coeff"),
      opOffset: number(lambda, "op-offset"),
      memCoeff: number(lambda, "mem-coeff"),
      memOffset: number(lambda, "mem-offset"),
    };
  }
  if (kind === "fixed") return { kind, ops: number(lambda, "ops"), mem: number(lambda, "mem") };
  throw new ProfileFileError(`Unsupported requirements: ${kind}`);
}

function output(lambda: Json): OutputSpec {
  const kind = string(lambda, "output-type");
  if (kind === "copy-input") return { kind };
  if (kind === "fixed") return { kind, value: string(lambda, "output-value") };
  throw new ProfileFileError(`Unsupported output-type: ${kind}`);
}

function required(item: Json, key: string): unknown {
  if (!(key in item)) throw new ProfileFileError(`Missing key: ${key}`);
  return item[key];
}

function object(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProfileFileError(`Invalid ${what}: expected an object`);
  }
  return value as Json;
}

function array(item: Json, key: string): unknown[] {
  const value = required(item, key);
  if (!Array.isArray(value))
    throw new ProfileFileError(`Invalid value for key ${key}: expected an array`);
  return value;
}

function string(item: Json, key: string): string {
  const value = required(item, key);
  if (typeof value !== "string")
    throw new ProfileFileError(`Invalid value for key ${key}: expected a string`);
  return value;
}

function number(item: Json, key: string): number {
  const value = required(item, key);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ProfileFileError(`Invalid value for key ${key}: expected a number`);
  }
  return value;
}
