/** Where the supervised processes' output goes: one call per line, with the process's name. */
export type LineSink = (name: string, line: string, stream: "stdout" | "stderr") => void;

// Bright, distinct ANSI colours, cycled over the processes in the order they first print.
const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92, 94];

export interface PrefixedWriterOptions {
  /** Default process.stdout. */
  readonly out?: NodeJS.WritableStream;
  /** Colour the prefixes; default: `out` is a terminal and NO_COLOR is unset. */
  readonly colour?: boolean;
  /** Pads prefixes to this many characters, so the lines of every process align. */
  readonly width?: number;
}

/** Writes `[name] line` (the name coloured on a terminal), as `docker compose` and turbo do. */
export function prefixedWriter(options: PrefixedWriterOptions = {}): LineSink {
  const out = options.out ?? process.stdout;
  const colour =
    options.colour ??
    ((out as NodeJS.WriteStream).isTTY === true && (process.env.NO_COLOR ?? "") === "");
  const width = options.width ?? 0;
  const colours = new Map<string, number>();
  return (name, line) => {
    const label = `[${name}]`.padEnd(width + 2);
    if (!colour) {
      out.write(`${label} ${line}\n`);
      return;
    }
    let code = colours.get(name);
    if (code === undefined) {
      code = COLOURS[colours.size % COLOURS.length] ?? 36;
      colours.set(name, code);
    }
    out.write(`\u001b[${code}m${label}\u001b[0m ${line}\n`);
  };
}

/** The last lines of each process, kept to explain a failure (a test's, or a start's). */
export class OutputTail {
  readonly #limit: number;
  readonly #lines = new Map<string, string[]>();

  constructor(limit = 200) {
    this.#limit = limit;
  }

  add(name: string, line: string): void {
    let lines = this.#lines.get(name);
    if (lines === undefined) {
      lines = [];
      this.#lines.set(name, lines);
    }
    lines.push(line);
    if (lines.length > this.#limit) lines.splice(0, lines.length - this.#limit);
  }

  lines(name: string): readonly string[] {
    return this.#lines.get(name) ?? [];
  }

  /** Every process's tail, prefixed, process after process. */
  format(): string {
    const blocks: string[] = [];
    for (const [name, lines] of this.#lines) {
      blocks.push(lines.map((line) => `[${name}] ${line}`).join("\n"));
    }
    return blocks.join("\n");
  }
}
