import type { Logger } from "./logger.js";
import { stopTracing } from "./tracing.js";

export interface ShutdownOptions {
  /** Default 10_000. */
  timeoutMs?: number;
  /** Default SIGINT and SIGTERM. */
  signals?: NodeJS.Signals[];
  /** Default process.exit. */
  exit?: (code: number) => void;
  /** Default process. */
  target?: NodeJS.EventEmitter;
}

/**
 * Drains on the first signal: runs `stop` once and exits 0, or 1 if it fails or outlasts the
 * timeout. A second signal exits 130 at once, for an operator who will not wait.
 * Returns a function that removes the signal handlers.
 */
export function onShutdown(
  logger: Logger,
  stop: () => Promise<void>,
  options: ShutdownOptions = {},
): () => void {
  const {
    timeoutMs = 10_000,
    signals = ["SIGINT", "SIGTERM"],
    exit = (code: number) => process.exit(code),
    target = process,
  } = options;
  let state: "running" | "stopping" | "done" = "running";
  const finish = (code: number) => {
    if (state === "done") return;
    state = "done";
    exit(code);
  };

  const handle = (signal: NodeJS.Signals) => {
    if (state === "stopping") {
      logger.warn({ signal }, "second signal, exiting now");
      finish(130);
      return;
    }
    if (state !== "running") return;
    state = "stopping";
    logger.info({ signal }, "shutting down");
    // Unref'd: the timeout must not itself keep a process alive that has nothing left to do.
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, "shutdown timed out");
      finish(1);
    }, timeoutMs).unref();
    new Promise<void>((resolve) => resolve(stop()))
      // The last spans (the drained calls') are flushed before exit; a no-op with tracing off.
      .then(() => stopTracing(timeoutMs))
      .then(
        () => {
          clearTimeout(timer);
          finish(0);
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (state === "stopping") logger.error({ err }, "shutdown failed");
          finish(1);
        },
      );
  };

  const listeners = signals.map((signal) => [signal, () => handle(signal)] as const);
  for (const [signal, listener] of listeners) target.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) target.off(signal, listener);
  };
}
