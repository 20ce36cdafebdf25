import { Backoff, type BackoffOptions } from "./backoff.js";
import { backgroundScheduler, type Scheduler } from "./scheduler.js";

export interface PeriodicTaskOptions {
  /** Delay after a success before the next run, ms. */
  readonly periodMs: number;
  /** Delays after failures; they never exceed periodMs unless maxMs says so. */
  readonly backoff: BackoffOptions;
  /** Told about each failure (once per failure, where the retry is decided), and when the retry is. */
  readonly onError?: (error: unknown, failures: number, retryInMs: number) => void;
  /** Timers; by default `setTimeout`s that never keep the process alive. */
  readonly schedule?: Scheduler;
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
  const scheduleRun = options.schedule ?? backgroundScheduler;
  let cancelTimer: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    cancelTimer = scheduleRun(ms, run);
  };

  const run = () => {
    cancelTimer = undefined;
    running = (async () => {
      let delay: number;
      try {
        await task();
        backoff.reset();
        delay = options.periodMs;
      } catch (error) {
        delay = backoff.next();
        options.onError?.(error, backoff.failures, delay);
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
      cancelTimer?.();
      run();
    },
    async stop() {
      stopped = true;
      cancelTimer?.();
      await running;
    },
  };
}
