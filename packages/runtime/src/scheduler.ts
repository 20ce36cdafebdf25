/**
 * Runs `run` after `delayMs`; returns a function that cancels it. Code that waits takes one
 * (instead of calling `setTimeout` itself) so tests drive its time by hand.
 */
export type Scheduler = (delayMs: number, run: () => void) => () => void;

/** The real one: `setTimeout`. */
export const timerScheduler: Scheduler = (delayMs, run) => {
  const timer = setTimeout(run, delayMs);
  return () => clearTimeout(timer);
};

/**
 * `setTimeout` whose timer never keeps the process alive on its own: for background chores
 * (lease refreshes, probes, optimizer polls) that must not hold up an exit.
 */
export const backgroundScheduler: Scheduler = (delayMs, run) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};
