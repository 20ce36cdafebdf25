import type { ActionLimits, KeyValue } from "./api-types.js";
import { isEntityName } from "./entity-name.js";
import { malformedContent } from "./error-texts.js";

/**
 * The body of an OpenWhisk PUT of an action or a package, checked as the controller checks it
 * (apache/openwhisk `Exec.scala`, `Limits.scala`, `Parameter.scala`, `WhiskPackage.scala`,
 * `controller/Actions.scala`) and normalized: a parsed document holds only the fields it knows,
 * in one order, so `JSON.stringify(value)` is a canonical text of it (digests are taken of that).
 */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  /** `error` is the controller's text for its 400 answer. */
  | { readonly ok: false; readonly error: string };

/**
 * A parameter or annotation. `init: true` (parameters only) asks the runtime to pass it at
 * initialization; it is kept only when true.
 */
export interface ParameterDocument extends KeyValue {
  readonly init?: true;
}

/**
 * A code action (any runtime kind, `blackbox` with its `image`) or a sequence. `binary: true`
 * means `code` is base64 (a zip for most runtimes); it is only present when true. A blackbox
 * action without code has `code: ""`, which OpenWhisk treats as no code.
 */
export type ExecDocument =
  | {
      readonly kind: string;
      readonly code: string;
      readonly main?: string;
      readonly binary?: boolean;
      readonly image?: string;
    }
  /** Components are fully qualified: `/ns/name` or `/ns/pkg/name`. */
  | { readonly kind: "sequence"; readonly components: readonly string[] };

export type CodeExecDocument = Exclude<ExecDocument, { readonly components: readonly string[] }>;
export type SequenceExecDocument = Extract<
  ExecDocument,
  { readonly components: readonly string[] }
>;

export interface ActionDocument {
  readonly exec?: ExecDocument;
  readonly parameters?: readonly ParameterDocument[];
  readonly annotations?: readonly ParameterDocument[];
  readonly limits?: ActionLimits;
  readonly publish?: boolean;
}

export interface PackageBinding {
  readonly namespace: string;
  readonly name: string;
}

export interface PackageDocument {
  readonly parameters?: readonly ParameterDocument[];
  readonly annotations?: readonly ParameterDocument[];
  readonly publish?: boolean;
  /** Absent for a plain package (`binding: {}` in a body means the same). */
  readonly binding?: PackageBinding;
}

export const SEQUENCE_KIND = "sequence";
export const BLACKBOX_KIND = "blackbox";
/** OpenWhisk's default `sequence_length`. */
export const MAX_SEQUENCE_LENGTH = 50;

/** OpenWhisk's default ranges (ansible and standalone): 100 ms..300 s, 128..512 MB, 0..10 MB. */
export const ACTION_LIMIT_RANGES = {
  timeout: { min: 100, max: 300_000 },
  memory: { min: 128, max: 512 },
  logs: { min: 0, max: 10 },
  concurrency: { min: 1, max: 500 },
} as const;

export function isSequenceExec(exec: ExecDocument): exec is SequenceExecDocument {
  return "components" in exec;
}

/** A refusal inside a parse; `text` is the whole error text, already in OpenWhisk's words. */
class Refusal extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

/** Deserialization failures: Pekko puts them after "The request content was malformed:". */
function malformed(detail: string): never {
  throw new Refusal(malformedContent(detail));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** OpenWhisk's own test of whether code is base64 (`Exec.isBinaryCode`). */
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;

export function isBinaryCode(code: string): boolean {
  const trimmed = code.trim();
  return trimmed.length > 0 && trimmed.length % 4 === 0 && BASE64.test(trimmed);
}

/**
 * `[{key, value[, init]}]`; a key given twice keeps its place and its last value, as the
 * controller's map of parameters does. `value` must be present (null is a value).
 */
function parameters(value: unknown): ParameterDocument[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) malformed("parameters malformed!");
  const byKey = new Map<string, ParameterDocument>();
  for (const entry of value) {
    if (!isObject(entry) || typeof entry.key !== "string" || !("value" in entry)) {
      malformed("parameters malformed!");
    }
    if (entry.init !== undefined && typeof entry.init !== "boolean") {
      malformed("parameters malformed!");
    }
    const init = entry.init === true ? { init: true as const } : {};
    byKey.set(entry.key, { key: entry.key, value: entry.value, ...init });
  }
  return [...byKey.values()];
}

function publish(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  malformed(`Expected Boolean as JsBoolean, but got ${JSON.stringify(value)}`);
}

type LimitName = keyof typeof ACTION_LIMIT_RANGES;

/** The controller's texts (`Messages.*AllowedThreshold`), answered as plain 400s. */
function rangeText(name: LimitName, value: number, side: "exceeds" | "below"): string {
  const bound = ACTION_LIMIT_RANGES[name][side === "exceeds" ? "max" : "min"];
  switch (name) {
    case "timeout":
      return `duration ${value} milliseconds ${side} allowed threshold of ${bound} milliseconds`;
    case "memory":
      return `memory size ${value} MB ${side} allowed threshold of ${bound} MB`;
    case "logs":
      return `log size ${value} MB ${side} allowed threshold of ${bound} MB`;
    case "concurrency":
      return `concurrency ${value} ${side} allowed threshold of ${bound}`;
  }
}

const LIMIT_WORDS: Record<LimitName, string> = {
  timeout: "time",
  memory: "memory",
  logs: "log",
  concurrency: "intra concurrency",
};

function limit(name: LimitName, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    malformed(`${LIMIT_WORDS[name]} limit malformed`);
  }
  if (!Number.isInteger(value)) malformed(`${LIMIT_WORDS[name]} limit must be whole number`);
  const range = ACTION_LIMIT_RANGES[name];
  if (value > range.max) throw new Refusal(rangeText(name, value, "exceeds"));
  if (value < range.min) throw new Refusal(rangeText(name, value, "below"));
  return value;
}

function limits(value: unknown): ActionLimits | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) malformed("Object expected in field 'limits'");
  return defined({
    timeout: limit("timeout", value.timeout),
    memory: limit("memory", value.memory),
    logs: limit("logs", value.logs),
    concurrency: limit("concurrency", value.concurrency),
  });
}

/** `/ns/name` or `/ns/pkg/name`, every segment a valid entity name. */
function component(value: unknown): string {
  if (typeof value !== "string") malformed("fully qualified name malformed");
  const segments = value.split("/");
  const [lead, ...rest] = segments;
  if (lead !== "" || rest.length < 2 || rest.length > 3) {
    malformed(
      "The fully qualified name of the entity must contain at least the namespace and the name of the entity.",
    );
  }
  if (!rest.every(isEntityName)) malformed("The name of the entity contains illegal characters.");
  return value;
}

function exec(value: unknown): ExecDocument | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) malformed("Object expected in field 'exec'");
  if (typeof value.kind !== "string" || value.kind.trim() === "") {
    malformed("'kind' must be a string defined in 'exec'");
  }
  const kind = value.kind.trim().toLowerCase();
  if (kind === SEQUENCE_KIND) {
    const components = value.components;
    if (components === undefined) malformed("'components' must be defined for sequence kind");
    if (!Array.isArray(components)) malformed("'components' must be an array");
    // The controller's checkSequenceActionLimits: a plain 400, not a deserialization failure.
    if (components.length === 0) throw new Refusal("No component specified for the sequence.");
    if (components.length > MAX_SEQUENCE_LENGTH) {
      throw new Refusal("Too many actions in the sequence.");
    }
    return { kind: SEQUENCE_KIND, components: components.map(component) };
  }
  const main = value.main;
  if (main !== undefined && typeof main !== "string") {
    malformed(`if defined, 'main' be a string in 'exec' for '${kind}' actions`);
  }
  let code: string;
  let image: string | undefined;
  if (kind === BLACKBOX_KIND) {
    if (typeof value.image !== "string" || value.image.trim() === "") {
      malformed(`'image' must be a string defined in 'exec' for '${BLACKBOX_KIND}' actions`);
    }
    image = value.image.trim();
    if (value.code !== undefined && typeof value.code !== "string") {
      malformed(`'code' must be a string defined in 'exec' for '${kind}' actions`);
    }
    code = typeof value.code === "string" && value.code.trim() !== "" ? value.code : "";
  } else {
    if (typeof value.code !== "string") {
      malformed(`'code' must be a string defined in 'exec' for '${kind}' actions`);
    }
    code = value.code;
  }
  if (value.binary !== undefined && typeof value.binary !== "boolean") {
    malformed(`Expected Boolean as JsBoolean, but got ${JSON.stringify(value.binary)}`);
  }
  // The controller decides `binary` from the code itself (the npm client sends a zip's base64
  // with no flag at all); a body that claims binary code that is not base64 is refused.
  const binary = code !== "" && isBinaryCode(code);
  if (value.binary === true && !binary) {
    malformed(`'code' must be base64 when 'binary' is true in 'exec' for '${kind}' actions`);
  }
  return defined({
    kind,
    code,
    main: main as string | undefined,
    binary: binary ? true : undefined,
    image,
  }) as CodeExecDocument;
}

function binding(value: unknown): PackageBinding | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) malformed("Object expected in field 'binding'");
  // `binding: {}` is how a plain package writes "no binding".
  if (Object.keys(value).length === 0) return undefined;
  for (const field of ["namespace", "name"] as const) {
    if (!(field in value)) malformed(`Object is missing required member '${field}'`);
    const text = value[field];
    if (typeof text !== "string") {
      malformed(`Expected String as JsString, but got ${JSON.stringify(text)}`);
    }
    if (!isEntityName(text)) malformed("The name of the entity contains illegal characters.");
  }
  return { namespace: value.namespace as string, name: value.name as string };
}

/** Drops undefined fields, so the object's JSON text is the same whichever way it was built. */
function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = field;
  return out as T;
}

function parse<T>(body: unknown, build: (body: Record<string, unknown>) => T): Parsed<T> {
  if (!isObject(body)) return { ok: false, error: malformedContent("Object expected") };
  try {
    return { ok: true, value: build(body) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.text };
    throw error;
  }
}

/** An action's PUT body; `name`, `namespace` and `version` are not part of the document. */
export function parseActionDocument(body: unknown): Parsed<ActionDocument> {
  return parse(body, (raw) =>
    defined({
      exec: exec(raw.exec),
      parameters: parameters(raw.parameters),
      annotations: parameters(raw.annotations),
      limits: limits(raw.limits),
      publish: publish(raw.publish),
    }),
  );
}

export function parsePackageDocument(body: unknown): Parsed<PackageDocument> {
  return parse(body, (raw) =>
    defined({
      parameters: parameters(raw.parameters),
      annotations: parameters(raw.annotations),
      publish: publish(raw.publish),
      binding: binding(raw.binding),
    }),
  );
}

/** `update` over `old` key by key: old keys keep their place, new ones follow in their order. */
function mergeByKey(
  old: readonly ParameterDocument[] | undefined,
  update: readonly ParameterDocument[] | undefined,
): readonly ParameterDocument[] | undefined {
  if (update === undefined) return old;
  if (old === undefined) return update;
  const byKey = new Map(old.map((p) => [p.key, p]));
  for (const p of update) byKey.set(p.key, p);
  return [...byKey.values()];
}

/**
 * An action update as the controller applies it (`Actions.updateWhiskAction`): absent fields
 * keep their old values, limits merge field by field, annotations merge key by key (the update's
 * win). Parameters are replaced when given, except that a sequence's parameters belong to the
 * controller: a sequence exec drops them, and they do not leak from a sequence to a code action.
 */
export function mergeActionDocument(old: ActionDocument, update: ActionDocument): ActionDocument {
  const oldIsSequence = old.exec !== undefined && isSequenceExec(old.exec);
  let parameters: readonly ParameterDocument[] | undefined;
  if (update.exec !== undefined) {
    if (isSequenceExec(update.exec)) parameters = undefined;
    else parameters = update.parameters ?? (oldIsSequence ? undefined : old.parameters);
  } else {
    parameters = oldIsSequence ? old.parameters : (update.parameters ?? old.parameters);
  }
  const limits =
    update.limits === undefined
      ? old.limits
      : defined({
          timeout: update.limits.timeout ?? old.limits?.timeout,
          memory: update.limits.memory ?? old.limits?.memory,
          logs: update.limits.logs ?? old.limits?.logs,
          concurrency: update.limits.concurrency ?? old.limits?.concurrency,
        });
  return defined({
    exec: update.exec ?? old.exec,
    parameters,
    annotations: mergeByKey(old.annotations, update.annotations),
    limits,
    publish: update.publish ?? old.publish,
  });
}

/**
 * A package update (`Packages.update`): absent fields keep their old values; parameters and
 * annotations are replaced whole. Whether a plain package may become a binding is the caller's
 * check (OpenWhisk refuses it with 409).
 */
export function mergePackageDocument(
  old: PackageDocument,
  update: PackageDocument,
): PackageDocument {
  return defined({
    parameters: update.parameters ?? old.parameters,
    annotations: update.annotations ?? old.annotations,
    publish: update.publish ?? old.publish,
    binding: update.binding ?? old.binding,
  });
}

/** The value of the last annotation named `key`, or undefined. */
export function annotationValue(
  annotations: readonly KeyValue[] | undefined,
  key: string,
): unknown {
  if (annotations === undefined) return undefined;
  for (let i = annotations.length - 1; i >= 0; i -= 1) {
    const annotation = annotations[i];
    if (annotation?.key === key) return annotation.value;
  }
  return undefined;
}
