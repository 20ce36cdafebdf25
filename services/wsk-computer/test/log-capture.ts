import { Writable } from "node:stream";
import { createLogger, type Logger } from "@soe/runtime";

/** A logger at every level whose JSON lines are kept, so tests can search what was logged. */
export function captureLogs(name = "edgecomputerwsk"): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name, level: "trace", pretty: false, destination });
  return { logger, text: () => chunks.join("") };
}

/** Polls `probe` until it returns something other than undefined/false; never asserts on time. */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  limitMs = 10_000,
): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
