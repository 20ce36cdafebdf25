import vm from "node:vm";
import { LogCollector } from "./log-collector.js";
import { holdRejectionGuard } from "./rejection-guard.js";
import { type RunOutcome, type RunReport, runOutcome } from "./run-outcome.js";
import {
  ACTION_PRELUDE_LINES,
  AGAIN_SOURCE,
  actionSource,
  ENTRY_SOURCE,
} from "./sandbox-harness.js";
import { Sandbox, SandboxPool } from "./warm-sandbox.js";

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
  /**
   * Set to keep the sandbox warm, as a runtime container is: a later run with the same slot and
   * cache key (and entry name) reuses its context, module-level state included, without
   * running the code again. Without it, every run gets a fresh context.
   */
  readonly warmSlot?: string;
}

export interface ActionRunnerOptions {
  readonly clock: () => number;
  readonly maxResultBytes: number;
  readonly maxLogBytes: number;
}

const entry = new vm.Script(ENTRY_SOURCE, { filename: "openwhisk-mock:entry" });
const again = new vm.Script(AGAIN_SOURCE, { filename: "openwhisk-mock:again" });
const MAX_CACHED_SCRIPTS = 256;
/** Idle warm sandboxes kept in all, and for one action (several only under concurrency). */
const MAX_WARM_SANDBOXES = 64;
const MAX_WARM_PER_ACTION = 8;

/** Not `instanceof Error`: under test runners the vm module's errors can come from another realm. */
function isScriptTimeout(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT"
  );
}

/**
 * Runs `nodejs` actions in `node:vm`, in a fresh context or (with `warmSlot`) a warm one kept
 * from an earlier activation of the same code that ended with a result (a time out, crash or
 * failed initialization discards it), with a time limit that
 * covers the synchronous part (vm's `timeout` on every entry into the context, microtasks
 * included) and the asynchronous part (a timer over the whole activation). Not a security
 * boundary: the mock runs trusted code on loopback only.
 */
export class ActionRunner {
  readonly #options: ActionRunnerOptions;
  readonly #scripts = new Map<string, vm.Script>();
  readonly #running = new Set<(kind: RunReport, text: string) => void>();
  readonly #warm = new SandboxPool(MAX_WARM_SANDBOXES, MAX_WARM_PER_ACTION);
  readonly #releaseGuard = holdRejectionGuard();

  constructor(options: ActionRunnerOptions) {
    this.#options = options;
  }

  /** Activations started and not yet finished. */
  get running(): number {
    return this.#running.size;
  }

  /** Idle warm sandboxes. */
  get warm(): number {
    return this.#warm.size;
  }

  run(request: RunRequest): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve) => {
      const logs = new LogCollector(this.#options.clock, this.#options.maxLogBytes);
      const deadline = performance.now() + request.timeoutMs;
      const remaining = () => Math.ceil(deadline - performance.now());
      const version = `${request.cacheKey}\u0000${request.main}`;
      const slot = request.warmSlot;
      let finished = false;
      let sandbox: Sandbox | undefined;

      const finish = (kind: RunReport, text: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(overall);
        this.#running.delete(finish);
        if (sandbox !== undefined) {
          sandbox.end();
          // Only a sandbox that ended cleanly stays warm; the runtime's would be gone otherwise.
          if (slot !== undefined && kind === "result" && !sandbox.broken) {
            sandbox.loaded = true;
            this.#warm.put(slot, sandbox);
          } else sandbox.dispose();
        }
        const limits = {
          timeoutMs: request.timeoutMs,
          maxResultBytes: this.#options.maxResultBytes,
        };
        resolve(runOutcome(kind, text, limits, logs));
      };
      this.#running.add(finish);
      const overall = setTimeout(() => finish("timeout", ""), request.timeoutMs);

      const enter = (callback: () => void) => {
        if (finished || sandbox === undefined) return;
        const left = remaining();
        if (left <= 0) return finish("timeout", "");
        const { context } = sandbox;
        context.__soeEntry = callback;
        try {
          entry.runInContext(context, { timeout: left });
        } catch (error) {
          finish(isScriptTimeout(error) ? "timeout" : "uncaught", String(error));
        }
      };
      const activation = {
        logs,
        enter,
        report: finish,
        rejected: (reason: unknown) => {
          if (finished || sandbox === undefined) return;
          sandbox.context.__soeReason = reason;
          const { context } = sandbox;
          enter(() =>
            (context.__soeHarness as { rejected(r: unknown): void }).rejected(context.__soeReason),
          );
        },
      };

      try {
        sandbox = slot === undefined ? undefined : this.#warm.take(slot, version);
        if (sandbox?.loaded) {
          sandbox.begin(activation);
          sandbox.context.__soeParams = JSON.stringify(request.params);
          try {
            again.runInContext(sandbox.context, { timeout: Math.max(1, remaining()) });
          } catch (error) {
            finish(isScriptTimeout(error) ? "timeout" : "uncaught", String(error));
          }
          return;
        }
        sandbox?.dispose();
        sandbox = new Sandbox(version, request.filename, request.main);
        sandbox.begin(activation);
        const script = this.#compile(request);
        sandbox.context.__soeParams = JSON.stringify(request.params);
        script.runInContext(sandbox.context, { timeout: Math.max(1, remaining()) });
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
    this.#warm.clear();
    this.#scripts.clear();
    this.#releaseGuard();
  }

  /** Discards the idle warm sandboxes of a slot: its action was updated or deleted. */
  forget(slot: string): void {
    this.#warm.forget(slot);
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
