export type LogStream = "stdout" | "stderr";

/**
 * An activation's log lines in OpenWhisk's format, `<ISO time with ns> stdout: <text>`, one entry
 * per line of output, bounded in bytes like the `logs` limit of an action.
 */
export class LogCollector {
  readonly #clock: () => number;
  readonly #maxBytes: number;
  readonly #lines: string[] = [];
  #bytes = 0;
  #truncated = false;

  constructor(clock: () => number, maxBytes: number) {
    this.#clock = clock;
    this.#maxBytes = maxBytes;
  }

  write(stream: LogStream, text: string): void {
    if (this.#truncated) return;
    const time = timestamp(this.#clock());
    for (const line of text.split("\n")) {
      this.#bytes += Buffer.byteLength(line);
      if (this.#bytes > this.#maxBytes) {
        this.#truncated = true;
        this.#lines.push(
          `${time} stderr: Logs were truncated because the total bytes size exceeds the limit of ${this.#maxBytes} bytes.`,
        );
        return;
      }
      this.#lines.push(`${time} ${stream}: ${line}`);
    }
  }

  get lines(): readonly string[] {
    return this.#lines;
  }
}

/** OpenWhisk prints nanoseconds; a millisecond clock gives the first three digits. */
export function timestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("Z", "000000Z");
}
