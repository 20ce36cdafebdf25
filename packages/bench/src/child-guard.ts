import type { ChildProcesses } from "./child-processes.js";

/**
 * Makes sure a bench never leaves its children behind: on SIGINT or SIGTERM, on a crash, and
 * when the run outlasts `budgetMs` (a stuck child or call must not hold the bench, or CI,
 * forever), every child is killed by its PID and the bench exits non-zero.
 */
export function guardChildren(children: ChildProcesses, budgetMs: number): void {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[bench] ${signal}: stopping children\n`);
      children.killAllNow();
      process.exit(code);
    });
  }
  process.on("uncaughtException", (error) => {
    process.stderr.write(`[bench] crashed: ${error.stack ?? error}\n`);
    children.killAllNow();
    process.exit(1);
  });
  setTimeout(() => {
    process.stderr.write(`[bench] still running after ${budgetMs / 1000} s: giving up\n`);
    children.killAllNow();
    process.exit(1);
  }, budgetMs).unref();
}
