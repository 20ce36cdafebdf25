import { createWriteStream, type WriteStream } from "node:fs";
import type { TextSink } from "./cli-io.js";

export interface OutputFile {
  readonly sink: TextSink;
  /** Flushes and closes the file (not standard output). */
  close(): Promise<void>;
}

/** The reference's default `--output-file`: results on standard output. */
export const STDOUT_PATH = "/dev/stdout";

/**
 * Opens `--output-file` (truncated, or appended to with `--append`). The reference's default
 * `/dev/stdout`, and `-`, write to the given standard output instead of reopening it, so output
 * stays ordered with anything else written there and works where /dev/stdout does not exist.
 */
export async function openOutputFile(
  path: string,
  append: boolean,
  stdout: TextSink,
): Promise<OutputFile> {
  if (path === STDOUT_PATH || path === "-") return { sink: stdout, close: async () => {} };
  const stream = createWriteStream(path, { flags: append ? "a" : "w" });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (error) =>
      reject(new Error(`Could not open '${path}': ${error.message}`)),
    );
  });
  return { sink: stream, close: () => closeStream(stream) };
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}
