import vm from "node:vm";
import { LogCollector } from "./log-collector.js";
import { holdRejectionGuard, watchContextRejections } from "./rejection-guard.js";
import { type RunOutcome, type RunReport, runOutcome } from "./run-outcome.js";
import { SandboxTimers, sandboxGlobals } from "./sandbox-globals.js";
import {
  ACTION_PRELUDE_LINES,
  actionSource,
  ENTRY_SOURCE,
  HARNESS_SOURCE,
} from "./sandbox-harness.js";

export type { RunOutcome } from "./run-outcome.js";

export interface RunRequest {
  /** Identifies one version of the code, for the compiled-script cache. */
  readonly cacheKey: string;
  readonly code: string;
  readonly main: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number;
  /** Shown in stack traces. */
  readonly filename: string;
}

export interface ActionRunnerOptions {
  readonly clock: () => number;
  readonly maxResultBytes: number;
  readonly maxLogBytes: number;
}

const harness = new vm.Script(HARNESS_SOURCE, { filename: "openwhisk-mock:harness" });
const entry = new vm.Script(ENTRY_SOURCE, { filename: "openwhisk-mock:entry" });
const MAX_CACHED_SCRIPTS = 256;

/** Not `instanceof Error`: under test runners the vm module's errors can come from another realm. */
function isScriptTimeout(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT"
  );
}

/**
 * Runs `nodejs` actions in `node:vm`, one fresh context per activation, with a time limit that
 * covers the synchronous part (vm's `timeout` on every entry into the context, microtasks
 * included) and the asynchronous part (a timer over the whole activation). Not a security
 * boundary: the mock runs trusted code on loopback only.
 */
export class ActionRunner {
  readonly #options: ActionRunnerOptions;
  readonly #scripts = new Map<string, vm.Script>();
  readonly #running = new Set<(kind: RunReport, text: string) => void>();
  readonly #releaseGuard = holdRejectionGuard();

  constructor(options: ActionRunnerOptions) {
    this.#options = options;
  }

  /** Activations started and not yet finished. */
  get running(): number {
    return this.#running.size;
  }

  run(request: RunRequest): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve) => {
      const logs = new LogCollector(this.#options.clock, this.#options.maxLogBytes);
      const timers = new SandboxTimers();
      const deadline = performance.now() + request.timeoutMs;
      const remaining = () => Math.ceil(deadline - performance.now());
      let finished = false;
      let stopWatching = () => {};

      const finish = (kind: RunReport, text: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(overall);
        timers.cancelAll();
        stopWatching();
        this.#running.delete(finish);
        const limits = {
          timeoutMs: request.timeoutMs,
          maxResultBytes: this.#options.maxResultBytes,
        };
        resolve(runOutcome(kind, text, limits, logs));
      };
      this.#running.add(finish);
      const overall = setTimeout(() => finish("timeout", ""), request.timeoutMs);

      const enter = (callback: () => void) => {
        if (finished) return;
        const left = remaining();
        if (left <= 0) return finish("timeout", "");
        context.__soeEntry = callback;
        try {
          entry.runInContext(context, { timeout: left });
        } catch (error) {
          finish(isScriptTimeout(error) ? "timeout" : "uncaught", String(error));
        }
      };
      const hooks = { logs, enter, report: finish, mainName: request.main };
      const context = vm.createContext(sandboxGlobals(hooks, timers), {
        name: request.filename,
        microtaskMode: "afterEvaluate",
      });

      try {
        harness.runInContext(context);
        const promisePrototype = vm.runInContext("Promise.prototype", context) as object;
        stopWatching = watchContextRejections(promisePrototype, (reason) => {
          context.__soeReason = reason;
          enter(() =>
            (context.__soeHarness as { rejected(r: unknown): void }).rejected(context.__soeReason),
          );
        });
        const script = this.#compile(request);
        context.__soeParams = JSON.stringify(request.params);
        script.runInContext(context, { timeout: Math.max(1, remaining()) });
      } catch (error) {
        if (isScriptTimeout(error)) finish("timeout", "");
        // A compile error is a host-realm SyntaxError: safe to print here.
        else finish("init-failed", String(error));
      }
    });
  }

  /** Ends every running activation (as a whisk internal error) and lets go of process hooks. */
  close(): void {
    for (const finish of [...this.#running]) finish("shutdown", "");
    this.#scripts.clear();
    this.#releaseGuard();
  }

  #compile(request: RunRequest): vm.Script {
    const cached = this.#scripts.get(request.cacheKey);
    if (cached !== undefined) return cached;
    const script = new vm.Script(actionSource(request.code, request.main), {
      filename: request.filename,
      lineOffset: -ACTION_PRELUDE_LINES,
    });
    if (this.#scripts.size >= MAX_CACHED_SCRIPTS) {
      const oldest = this.#scripts.keys().next().value;
      if (oldest !== undefined) this.#scripts.delete(oldest);
    }
    this.#scripts.set(request.cacheKey, script);
    return script;
  }
}
