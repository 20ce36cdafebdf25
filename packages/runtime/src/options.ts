/**
 * Declarative command-line options in the style of boost::program_options, which the reference
 * tools use: the same long names, unambiguous prefixes accepted, `--help` listing every option.
 * Each option can also come from an environment variable (containers configure through env),
 * named after the binary: `SOE_EDGEROUTER_SERVER_ENDPOINT` sets edgerouter's --server-endpoint and
 * nothing else, so a variable exported for one tool never redirects another.
 */

export type OptionType = "string" | "integer" | "number" | "boolean";

export interface OptionSpec {
  readonly type: OptionType;
  readonly help: string;
  readonly default?: string | number | boolean;
  /**
   * Default: the program's prefix + the flag name upper-snake-cased, e.g.
   * SOE_EDGEROUTER_SERVER_ENDPOINT. A name given here is read as is, with no deprecated fallback.
   */
  readonly env?: string;
  /** Error if neither argv, env, nor default gives a value. */
  readonly required?: boolean;
  /** The value is never shown, neither in help nor in error messages. */
  readonly secret?: boolean;
}

/** Keys are camelCase; the flag is their kebab-case form: serverEndpoint -> --server-endpoint. */
export type OptionSpecs = Record<string, OptionSpec>;

type ValueOfType<T extends OptionType> = T extends "string"
  ? string
  : T extends "boolean"
    ? boolean
    : number;

/** Booleans are switches (false unless given); others are undefined unless defaulted or required. */
export type OptionValue<O extends OptionSpec> = O["type"] extends "boolean"
  ? boolean
  : O extends { readonly default: string | number | boolean } | { readonly required: true }
    ? ValueOfType<O["type"]>
    : ValueOfType<O["type"]> | undefined;

export type OptionValues<S extends OptionSpecs> = { -readonly [K in keyof S]: OptionValue<S[K]> };

export interface ProgramSpec<S extends OptionSpecs> {
  /** The binary's name; it also names the environment variables (see `envPrefix`). */
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  readonly options: S;
  readonly positionals?: { readonly name: string; readonly help: string };
}

export type ParseResult<S extends OptionSpecs> =
  | { kind: "ok"; values: OptionValues<S>; positionals: string[]; warnings: string[] }
  | { kind: "help"; text: string }
  | { kind: "version"; text: string }
  | { kind: "error"; message: string };

/** Keeps the literal option types of a program declared apart from its use, so values infer. */
export function defineProgram<const S extends OptionSpecs>(
  program: ProgramSpec<S>,
): ProgramSpec<S> {
  return program;
}

export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const snake = (text: string) => text.replaceAll("-", "_").toUpperCase();

/** `SOE_` + the binary's name + `_`: SOE_EDGEROUTER_, SOE_WSKPROXY_, SOE_OPENWHISK_MOCK_. */
export function envPrefix(programName: string): string {
  return `SOE_${snake(programName)}_`;
}

/** The variable an option reads: its own `env`, else the program's prefix + the flag's name. */
export function envName(programName: string, key: string, spec: OptionSpec): string {
  return spec.env ?? `${envPrefix(programName)}${snake(flagName(key))}`;
}

/**
 * The name every binary shared before names had a prefix (`SOE_SERVER_ENDPOINT`), still read for
 * one release after the new name, with a warning. None for an option with a name of its own.
 */
export function deprecatedEnvName(key: string, spec: OptionSpec): string | undefined {
  return spec.env === undefined ? `SOE_${snake(flagName(key))}` : undefined;
}

type Value = string | number | boolean;
const builtins = { help: "help", version: "version" } as const;
type Builtin = keyof typeof builtins;
class OptionError extends Error {}

export function parseOptions<const S extends OptionSpecs>(
  program: ProgramSpec<S>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParseResult<S> {
  try {
    return parse(program, argv, env);
  } catch (e) {
    if (e instanceof OptionError) return { kind: "error", message: e.message };
    throw e;
  }
}

function parse<S extends OptionSpecs>(
  program: ProgramSpec<S>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParseResult<S> {
  const specs: Record<string, OptionSpec> = program.options;
  const byFlag = new Map<string, string | Builtin>(Object.keys(specs).map((k) => [flagName(k), k]));
  for (const b of Object.keys(builtins) as Builtin[]) if (!byFlag.has(b)) byFlag.set(b, b);

  // Help and version win over errors elsewhere on the line, as users reach for them when confused.
  const end = argv.indexOf("--");
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.includes("--help") || options.includes("-h")) return help(program);
  if (options.includes("--version") || options.includes("-v")) return version(program);

  const given = new Map<string, Value>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith("--")) throw new OptionError(`unknown option '${arg}'`);
    const eq = arg.indexOf("=");
    const written = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const key = resolveFlag(byFlag, written);
    if (key === "help") return help(program);
    if (key === "version") return version(program);
    const spec = specs[key] as OptionSpec;
    const flag = `--${flagName(key)}`;
    let raw: string;
    if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else if (spec.type === "boolean") {
      raw = "true";
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new OptionError(`option '${flag}' requires a value`);
      }
      raw = next;
      i++;
    }
    given.set(key, convert(spec, flag, raw, ""));
  }
  if (positionals.length > 0 && !program.positionals) {
    throw new OptionError(`unexpected argument '${positionals[0]}'`);
  }

  const values: Record<string, Value | undefined> = {};
  const warnings: string[] = [];
  // An empty variable counts as unset: compose files and CI often define variables as empty.
  const read = (name: string | undefined) =>
    name === undefined || env[name] === undefined || env[name] === "" ? undefined : env[name];
  for (const [key, spec] of Object.entries(specs)) {
    const flag = `--${flagName(key)}`;
    const variable = envName(program.name, key, spec);
    const deprecated = deprecatedEnvName(key, spec);
    let value = given.get(key);
    const fromEnv = read(variable);
    if (value === undefined && fromEnv !== undefined) {
      value = convert(spec, flag, fromEnv, ` (from ${variable})`);
    }
    const fromDeprecated = value === undefined ? read(deprecated) : undefined;
    if (fromDeprecated !== undefined) {
      value = convert(spec, flag, fromDeprecated, ` (from ${deprecated})`);
      warnings.push(
        `${deprecated} is deprecated and will be ignored in the next release: set ${variable}`,
      );
    }
    if (value === undefined && spec.default !== undefined) {
      value =
        typeof spec.default === jsType(spec.type)
          ? spec.default
          : convert(spec, flag, String(spec.default), " (default)");
    }
    if (value === undefined && spec.type === "boolean") value = false;
    if (value === undefined && spec.required) {
      throw new OptionError(`option '${flag}' is required (or set ${variable})`);
    }
    values[key] = value;
  }
  return { kind: "ok", values: values as OptionValues<S>, positionals, warnings };
}

function resolveFlag(byFlag: ReadonlyMap<string, string>, written: string): string {
  const exact = byFlag.get(written);
  if (exact !== undefined) return exact;
  const candidates = [...byFlag.keys()].filter((f) => f.startsWith(written)).sort();
  if (written === "" || candidates.length === 0)
    throw new OptionError(`unknown option '--${written}'`);
  if (candidates.length > 1) {
    const list = candidates.map((c) => `--${c}`).join(", ");
    throw new OptionError(`option '--${written}' is ambiguous: ${list}`);
  }
  return byFlag.get(candidates[0] as string) as string;
}

function jsType(type: OptionType): "string" | "number" | "boolean" {
  return type === "integer" ? "number" : type;
}

const trueWords = new Set(["true", "yes", "1"]);
const falseWords = new Set(["false", "no", "0"]);

function convert(spec: OptionSpec, flag: string, raw: string, source: string): Value {
  const invalid = (what: string) => {
    const shown = spec.secret ? "" : ` '${raw}'`;
    return new OptionError(`invalid ${what}${shown} for option '${flag}'${source}`);
  };
  switch (spec.type) {
    case "string":
      return raw;
    case "integer": {
      const n = Number(raw);
      if (!/^\s*[+-]?\d+\s*$/.test(raw) || !Number.isSafeInteger(n)) throw invalid("integer");
      return n;
    }
    case "number": {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) throw invalid("number");
      return n;
    }
    case "boolean": {
      const word = raw.toLowerCase();
      if (trueWords.has(word)) return true;
      if (falseWords.has(word)) return false;
      throw invalid("boolean");
    }
  }
}

function help<S extends OptionSpecs>(program: ProgramSpec<S>): ParseResult<S> {
  return { kind: "help", text: formatHelp(program) };
}

function version<S extends OptionSpecs>(program: ProgramSpec<S>): ParseResult<S> {
  return { kind: "version", text: `${program.name} ${program.version}` };
}

export function formatHelp<S extends OptionSpecs>(program: ProgramSpec<S>): string {
  const rows: [string, string][] = Object.entries(program.options as OptionSpecs).map(
    ([key, spec]) => {
      const flag = `--${flagName(key)}${spec.type === "boolean" ? "" : ` <${spec.type}>`}`;
      const notes = [spec.help];
      if (spec.secret) notes.push("(secret)");
      else if (spec.default !== undefined) notes.push(`(default: ${spec.default})`);
      if (spec.required) notes.push("(required)");
      notes.push(`[env ${envName(program.name, key, spec)}]`);
      return [flag, notes.join(" ")];
    },
  );
  rows.push(["-h, --help", "show this help and exit"]);
  rows.push(["-v, --version", "show the version and exit"]);

  const p = program.positionals;
  const lines = [
    `Usage: ${program.name} [options]${p ? ` [--] <${p.name}>...` : ""}`,
    "",
    program.summary,
    "",
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length), p ? p.name.length + 2 : 0);
  if (p) lines.push("Arguments:", `  ${`<${p.name}>`.padEnd(width)}  ${p.help}`, "");
  lines.push("Options:", ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  return lines.join("\n");
}
