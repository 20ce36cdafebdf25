import { type ActionLimits, type KeyValue, malformedContent } from "@soe/openwhisk";

export interface NodeExec {
  readonly kind: string;
  readonly code: string;
  readonly main?: string | undefined;
}

/** The fields of a PUT body; absent fields keep their old value on update. */
export interface ActionContent {
  readonly exec?: NodeExec | undefined;
  readonly parameters?: readonly KeyValue[] | undefined;
  readonly annotations?: readonly KeyValue[] | undefined;
  readonly limits?: ActionLimits | undefined;
  readonly publish?: boolean | undefined;
}

export interface PackageContent {
  readonly parameters?: readonly KeyValue[] | undefined;
  readonly annotations?: readonly KeyValue[] | undefined;
  readonly publish?: boolean | undefined;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** The runtime this mock emulates; `nodejs:default` resolves to it, as the controller resolves defaults. */
export const NODEJS_KIND = "nodejs:20";

class ContentError extends Error {}

function keyValues(field: string, value: unknown): readonly KeyValue[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    !value.every((e) => typeof e === "object" && e !== null && typeof e.key === "string")
  ) {
    throw new ContentError(`'${field}' must be an array of {key, value}`);
  }
  return value.map((e: { key: string; value?: unknown }) => ({
    key: e.key,
    value: e.value ?? null,
  }));
}

function limit(
  name: string,
  unit: string,
  value: unknown,
  low: number,
  high: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ContentError(`${name} limit must be an integer`);
  }
  const u = unit === "" ? "" : ` ${unit}`;
  if (value < low)
    throw new ContentError(`${name} limit ${value}${u} below allowed threshold of ${low}${u}.`);
  if (value > high)
    throw new ContentError(`${name} limit ${value}${u} exceeds allowed threshold of ${high}${u}.`);
  return value;
}

/** OpenWhisk's ranges: 100 ms..300 s, 128..512 MB, 0..10 MB of logs. */
function limits(value: unknown): ActionLimits | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null)
    throw new ContentError("'limits' must be an object");
  const raw = value as Record<string, unknown>;
  return {
    timeout: limit("Time", "milliseconds", raw.timeout, 100, 300_000),
    memory: limit("Memory", "MB", raw.memory, 128, 512),
    logs: limit("Log", "MB", raw.logs, 0, 10),
    concurrency: limit("Concurrency", "", raw.concurrency, 1, 500),
  };
}

function exec(value: unknown): NodeExec | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null)
    throw new ContentError("'exec' must be an object");
  const raw = value as Record<string, unknown>;
  if (typeof raw.kind !== "string") throw new ContentError("'exec' needs a 'kind'");
  // The mock runs plain JavaScript only: no zips, images, sequences or other languages.
  if (!raw.kind.startsWith("nodejs"))
    throw new ContentError(`kind '${raw.kind}' is not supported by this mock (nodejs only)`);
  if (raw.binary === true)
    throw new ContentError("binary (zip) actions are not supported by this mock");
  if (typeof raw.code !== "string" || raw.code.length === 0)
    throw new ContentError("'exec' needs 'code'");
  if (raw.main !== undefined && typeof raw.main !== "string")
    throw new ContentError("'main' must be a string");
  return { kind: NODEJS_KIND, code: raw.code, main: raw.main as string | undefined };
}

function publish(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new ContentError("'publish' must be a boolean");
}

function parse<T>(build: () => T): Parsed<T> {
  try {
    return { ok: true, value: build() };
  } catch (error) {
    if (error instanceof ContentError) return { ok: false, error: malformedContent(error.message) };
    throw error;
  }
}

export function parseActionContent(body: Record<string, unknown>): Parsed<ActionContent> {
  return parse(() => ({
    exec: exec(body.exec),
    parameters: keyValues("parameters", body.parameters),
    annotations: keyValues("annotations", body.annotations),
    limits: limits(body.limits),
    publish: publish(body.publish),
  }));
}

export function parsePackageContent(body: Record<string, unknown>): Parsed<PackageContent> {
  return parse(() => {
    const binding = body.binding;
    if (
      binding !== undefined &&
      (typeof binding !== "object" || binding === null || Object.keys(binding).length > 0)
    ) {
      throw new ContentError("package bindings are not supported by this mock");
    }
    return {
      parameters: keyValues("parameters", body.parameters),
      annotations: keyValues("annotations", body.annotations),
      publish: publish(body.publish),
    };
  });
}
