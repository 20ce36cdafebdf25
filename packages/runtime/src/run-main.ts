import { type OptionSpecs, type OptionValues, type ProgramSpec, parseOptions } from "./options.js";
import { startTracing } from "./tracing.js";

/** Where `parseOrExit` prints and how it exits; each call to out/err writes one text and a newline. */
export interface MainIO {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
}

// process.stdout/stderr writes are synchronous on Linux for files, pipes and terminals, so the
// text is out before process.exit.
const processIO: MainIO = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  exit: (code) => process.exit(code),
};

/** Parses a program's options, or prints help/version (exit 0) or a usage error (exit 2). */
export function parseOrExit<const S extends OptionSpecs>(
  program: ProgramSpec<S>,
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: MainIO = processIO,
): { values: OptionValues<S>; positionals: string[] } {
  const result = parseOptions(program, argv, env);
  switch (result.kind) {
    case "ok":
      // Once, at start-up, before the logger exists: on stderr like usage errors.
      for (const warning of result.warnings) io.err(`${program.name}: warning: ${warning}`);
      // Every binary parses its options first: tracing starts here, named after the binary, when
      // an OTEL_EXPORTER_OTLP_*ENDPOINT is set (issue 14); otherwise nothing is loaded.
      startTracing({ serviceName: program.name, env });
      return { values: result.values, positionals: result.positionals };
    case "help":
    case "version":
      io.out(result.text);
      return io.exit(0);
    case "error":
      return exitWithUsageError(program.name, result.message, io);
  }
}

/**
 * A usage error: the message and a hint to stderr, exit 2. For a bad option, and for a value
 * only the program can judge (a bad `--*-conf`, a missing topology file), reported alike.
 */
export function exitWithUsageError(name: string, message: string, io: MainIO = processIO): never {
  io.err(`${name}: ${message}`);
  io.err(`Try '${name} --help'.`);
  return io.exit(2);
}
