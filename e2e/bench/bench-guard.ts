import type { ChildProcesses } from "@soe/bench";
import type { Domain } from "../src/index.js";

/**
 * Makes sure a bench never leaves a process behind: on SIGINT or SIGTERM, on a crash, and when
 * the run outlasts `budgetMs`, every child (the harness's, and each process of the domains the
 * launcher started, in their own process groups) is killed by its PID, and the bench exits
 * non-zero. Never by name: that could hit processes that are not ours.
 */
export function guardBench(
  children: ChildProcesses,
  domains: () => readonly Domain[],
  budgetMs: number,
): void {
  const killEverything = () => {
    children.killAllNow();
    for (const domain of domains()) {
      for (const { name } of domain.topology.processes) {
        const pid = domain.supervisor.pid(name);
        if (pid === undefined) continue;
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    }
  };
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[bench] ${signal}: stopping every process\n`);
      killEverything();
      process.exit(code);
    });
  }
  process.on("uncaughtException", (error) => {
    process.stderr.write(`[bench] crashed: ${error.stack ?? error}\n`);
    killEverything();
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    process.stderr.write(`[bench] crashed: ${(reason as Error)?.stack ?? reason}\n`);
    killEverything();
    process.exit(1);
  });
  setTimeout(() => {
    process.stderr.write(`[bench] still running after ${budgetMs / 1000} s: giving up\n`);
    killEverything();
    process.exit(1);
  }, budgetMs).unref();
}
