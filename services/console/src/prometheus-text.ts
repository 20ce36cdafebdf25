/**
 * A reader of the Prometheus text exposition format (0.0.4), as every process of the domain
 * answers on `GET /metrics`: `# TYPE` lines and samples, escaped label values, `NaN`/`±Inf`,
 * optional timestamps. Anything it cannot read is skipped and counted, never thrown: a console
 * shows what a process exposes, even when one line of it is odd.
 */

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  /** The sample's own name (`rpc_server_duration_seconds_count`, not the family's). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedMetrics {
  readonly samples: readonly Sample[];
  /** Family name → type, from `# TYPE` lines. */
  readonly types: ReadonlyMap<string, MetricType>;
  /** Lines that are neither comments nor readable samples. */
  readonly skippedLines: number;
}

const TYPES = new Set<string>(["counter", "gauge", "histogram", "summary", "untyped"]);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parsePrometheusText(text: string): ParsedMetrics {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  let skippedLines = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type !== null && TYPES.has(type[2] as string)) {
        types.set(type[1] as string, type[2] as MetricType);
      }
      continue;
    }
    const sample = parseSample(line);
    if (sample === undefined) skippedLines++;
    else samples.push(sample);
  }
  return { samples, types, skippedLines };
}

function parseSample(line: string): Sample | undefined {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return undefined;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    const read = parseLabels(rest, labels);
    if (read === undefined) return undefined;
    rest = rest.slice(read);
  }
  // The value, then an optional timestamp, which the console does not need.
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === "") return undefined;
  const value = parseValue(fields[0] as string);
  return value === undefined ? undefined : { name, labels, value };
}

/** Reads `{a="x",b="y"}` from the start of `text` into `into`; answers the characters read. */
function parseLabels(text: string, into: Record<string, string>): number | undefined {
  let i = 1;
  for (;;) {
    while (text[i] === " " || text[i] === ",") i++;
    if (text[i] === "}") return i + 1;
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (name === undefined) return undefined;
    i += name.length;
    while (text[i] === " ") i++;
    if (text[i] !== "=") return undefined;
    i++;
    while (text[i] === " ") i++;
    if (text[i] !== '"') return undefined;
    i++;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) return undefined;
      i++;
      if (c === '"') break;
      if (c === "\\") {
        const escaped = text[i];
        i++;
        if (escaped === "n") value += "\n";
        else if (escaped === "\\" || escaped === '"') value += escaped;
        else return undefined;
      } else {
        value += c;
      }
    }
    into[name] = value;
  }
}

function parseValue(text: string): number | undefined {
  switch (text) {
    case "NaN":
      return Number.NaN;
    case "+Inf":
    case "Inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
      return Number.NEGATIVE_INFINITY;
  }
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/** The samples named `name` whose labels include every pair of `match`. */
export function selectSamples(
  samples: readonly Sample[],
  name: string,
  match: Readonly<Record<string, string>> = {},
): Sample[] {
  const pairs = Object.entries(match);
  return samples.filter(
    (s) => s.name === name && pairs.every(([key, value]) => s.labels[key] === value),
  );
}

/** The sum of the values of `selectSamples(...)`; 0 when none match. */
export function sumSamples(
  samples: readonly Sample[],
  name: string,
  match: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const s of selectSamples(samples, name, match)) sum += s.value;
  return sum;
}
