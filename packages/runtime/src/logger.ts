import { type DestinationStream, type Logger, pino } from "pino";
import { prettyFactory } from "pino-pretty";

export type { Logger };

export interface LoggerOptions {
  name: string;
  /** Default: env LOG_LEVEL, else "info". */
  level?: string;
  /** Default: env LOG_PRETTY=1/0 when set, else whether stdout is a terminal. */
  pretty?: boolean;
  /** For tests: when given, lines are written here synchronously. */
  destination?: NodeJS.WritableStream;
}

/** Where secrets could sit in what we log: tokens, OpenWhisk auth keys, request headers. */
export const redactPaths: readonly string[] = [
  "token",
  "authorization",
  "auth",
  "apiKey",
  "api_key",
  "password",
  "key",
  "headers.authorization",
  "req.headers.authorization",
  "*.headers.authorization",
  "*.token",
  "*.authorization",
  "*.auth",
  "*.apiKey",
  "*.api_key",
  "*.password",
];

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL || "info");
  const pretty = options.pretty ?? envFlag(process.env.LOG_PRETTY) ?? process.stdout.isTTY === true;
  const settings = {
    name: options.name,
    level,
    redact: { paths: [...redactPaths], censor: "[redacted]" },
  };
  if (pretty) {
    const out = options.destination ?? pino.destination({ dest: 1, sync: true });
    return pino(settings, prettyStream(out, options.destination ? false : undefined));
  }
  // Without a destination, pino's own stdout stream: buffered, and flushed on exit.
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * pino-pretty's formatter behind a synchronous in-process stream: no worker thread (which
 * bundles break) and no async pipeline that could drop the last lines before process.exit.
 */
function prettyStream(out: DestinationStream, colorize: boolean | undefined): DestinationStream {
  const format = prettyFactory({
    ignore: "pid,hostname",
    translateTime: "SYS:HH:MM:ss.l",
    ...(colorize === undefined ? {} : { colorize }),
  });
  return { write: (line: string) => out.write(format(line)) };
}

function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  return !["0", "false", "no"].includes(value.toLowerCase());
}
