import { Backoff, type BackoffOptions } from "./backoff.js";

export interface PeriodicTaskOptions {
  /** Delay after a success before the next run, ms. */
  readonly periodMs: number;
  /** Delays after failures; they never exceed periodMs unless maxMs says so. */
  readonly backoff: BackoffOptions;
  /** Told about each failure (once per failure, where the retry is decided). */
  readonly onError?: (error: unknown, failures: number) => void;
}

export interface PeriodicTask {
  /** Runs the task now (or right after the run in progress), then resumes the schedule. */
  trigger(): void;
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `task` now and then every period, retrying failures with back-off: the shape of every
 * announcement to the controller (a lease is refreshed every ttl/3; an unreachable controller is
 * retried until it answers).
 */
export function startPeriodicTask(
  task: () => Promise<void>,
  options: PeriodicTaskOptions,
): PeriodicTask {
  const backoff = new Backoff(options.backoff);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };

  const run = () => {
    timer = undefined;
    running = (async () => {
      let delay: number;
      try {
        await task();
        backoff.reset();
        delay = options.periodMs;
      } catch (error) {
        delay = backoff.next();
        options.onError?.(error, backoff.failures);
      }
      running = undefined;
      if (again) {
        again = false;
        delay = 0;
      }
      schedule(delay);
    })();
  };

  run();
  return {
    trigger() {
      if (stopped) return;
      if (running !== undefined) {
        again = true;
        return;
      }
      if (timer !== undefined) clearTimeout(timer);
      run();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
