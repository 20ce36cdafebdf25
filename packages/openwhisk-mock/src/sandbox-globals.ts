import { formatWithOptions } from "node:util";
import type { LogCollector, LogStream } from "./log-collector.js";
import type { RunReport } from "./run-outcome.js";

/** What an activation's globals need from the runner. */
export interface SandboxHooks {
  readonly logs: LogCollector;
  /** Runs a callback inside the context, under the time limit. */
  enter(callback: () => void): void;
  report(kind: RunReport, text: string): void;
  readonly mainName: string;
}

/**
 * The activation's pending timers, cleared all at once when it ends. Between activations of a
 * warm sandbox the timers are closed: a timer set then (by a leftover microtask) is cleared at
 * once, so it can never fire into a later activation.
 */
export class SandboxTimers {
  readonly #handles = new Map<number, () => void>();
  #next = 1;
  #open = true;

  add(clear: () => void): number {
    const id = this.#next++;
    if (this.#open) this.#handles.set(id, clear);
    else clear();
    return id;
  }

  /** Lets timers be set again (a warm sandbox starting its next activation). */
  open(): void {
    this.#open = true;
  }

  /** Cancels every pending timer and clears any set until {@link open}. */
  close(): void {
    this.cancelAll();
    this.#open = false;
  }

  forget(id: number): void {
    this.#handles.delete(id);
  }

  cancel(id: unknown): void {
    if (typeof id !== "number") return;
    this.#handles.get(id)?.();
    this.#handles.delete(id);
  }

  cancelAll(): void {
    for (const clear of this.#handles.values()) clear();
    this.#handles.clear();
  }
}

/**
 * The globals an action sees: a console that writes the activation's logs, and timers whose
 * callbacks re-enter the context under the time limit (Node's own would run them outside it).
 */
export function sandboxGlobals(
  hooks: SandboxHooks,
  timers: SandboxTimers,
): Record<string, unknown> {
  const schedule =
    (repeat: boolean) =>
    (callback: unknown, ms?: unknown, ...args: unknown[]) => {
      if (typeof callback !== "function") throw new TypeError("the callback must be a function");
      const delay = Math.max(0, Number(ms) || 0);
      const fire = () => {
        if (!repeat) timers.forget(id);
        hooks.enter(() => callback(...args));
      };
      const handle = repeat ? setInterval(fire, delay) : setTimeout(fire, delay);
      const id = timers.add(() => clearTimeout(handle));
      return id;
    };
  const print =
    (stream: LogStream) =>
    (...args: unknown[]) => {
      // No custom inspect hooks: they would run action code outside the time limit.
      hooks.logs.write(
        stream,
        formatWithOptions({ customInspect: false, getters: false }, ...args),
      );
    };
  const cancel = (id: unknown) => timers.cancel(id);
  return {
    console: {
      log: print("stdout"),
      info: print("stdout"),
      debug: print("stdout"),
      warn: print("stderr"),
      error: print("stderr"),
      trace: print("stderr"),
    },
    setTimeout: schedule(false),
    setInterval: schedule(true),
    setImmediate: (callback: unknown, ...args: unknown[]) => schedule(false)(callback, 0, ...args),
    clearTimeout: cancel,
    clearInterval: cancel,
    clearImmediate: cancel,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    Buffer,
    atob,
    btoa,
    __soeHost: {
      mainName: hooks.mainName,
      report: (kind: RunReport, text: string) => hooks.report(kind, String(text)),
    },
  };
}
