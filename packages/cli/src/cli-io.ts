/** Where a tool writes: `process.stdout`/`process.stderr` in a process, string collectors in tests. */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliIO {
  /** Results (table dumps, result lines, samples): the data a script reads. */
  readonly out: TextSink;
  /** Diagnostics and summaries, so `out` stays machine-readable. */
  readonly err: TextSink;
}

/**
 * A bad option value found after parsing (unknown action, empty size list, …): reported like
 * the runtime reports a bad option, with exit code 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Prints a usage error the way `parseOrExit` does and gives its exit code. */
export function reportUsageError(program: string, error: UsageError, err: TextSink): number {
  err.write(`${program}: ${error.message}\nTry '${program} --help'.\n`);
  return 2;
}

/** One line for any thrown value: ConnectError messages already carry their code (`[unavailable] …`). */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replaceAll("\n", " ");
}

/**
 * Runs a tool's body and turns what it throws into an exit code: a usage error → 2; anything
 * else (unreadable TLS files, a malformed end-point) → one line on `err` and 1, no stack trace.
 */
export async function exitCodeOf(
  program: string,
  err: TextSink,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(program, error, err);
    err.write(`${program}: ${errorText(error)}\n`);
    return 1;
  }
}
