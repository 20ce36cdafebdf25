import vm from "node:vm";
import { LogCollector } from "./log-collector.js";
import { watchContextRejections } from "./rejection-guard.js";
import type { RunReport } from "./run-outcome.js";
import { type SandboxHooks, SandboxTimers, sandboxGlobals } from "./sandbox-globals.js";
import { HARNESS_SOURCE } from "./sandbox-harness.js";

const harness = new vm.Script(HARNESS_SOURCE, { filename: "openwhisk-mock:harness" });
/** Where console output goes between activations (only leftover microtasks can write then). */
const nowhere = new LogCollector(() => 0, 0);

/** The activation a sandbox is running right now: where its globals and rejections go. */
export interface SandboxActivation {
  readonly logs: LogCollector;
  enter(callback: () => void): void;
  report(kind: RunReport, text: string): void;
  rejected(reason: unknown): void;
}

/**
 * One vm context with the harness in it, the way a runtime container holds one action: its
 * globals send logs, timers and reports to whichever activation is current, so a warm sandbox
 * serves one activation after another (never two at once).
 */
export class Sandbox {
  readonly context: vm.Context;
  readonly timers = new SandboxTimers();
  /** The code version (cache key and entry name) it was made for. */
  readonly version: string;
  current: SandboxActivation | undefined;
  /** The action's code has run and its `main` is loaded: later activations only call it. */
  loaded = false;
  /** Crashed between activations (a late unhandled rejection) or disposed: never reuse. */
  broken = false;
  readonly #stopWatching: () => void;
  #disposed = false;

  constructor(version: string, filename: string, mainName: string) {
    this.version = version;
    const current = () => this.current;
    const hooks: SandboxHooks = {
      get logs() {
        return current()?.logs ?? nowhere;
      },
      enter: (callback) => this.current?.enter(callback),
      report: (kind, text) => this.current?.report(kind, text),
      mainName,
    };
    this.context = vm.createContext(sandboxGlobals(hooks, this.timers), {
      name: filename,
      microtaskMode: "afterEvaluate",
    });
    harness.runInContext(this.context);
    const promisePrototype = vm.runInContext("Promise.prototype", this.context) as object;
    this.#stopWatching = watchContextRejections(promisePrototype, (reason) => {
      // The Node.js runtime's process would die here: blame the activation, or, between
      // activations, make sure no later one runs in this sandbox.
      if (this.current === undefined) this.broken = true;
      else this.current.rejected(reason);
    });
  }

  /** Starts an activation in it. */
  begin(activation: SandboxActivation): void {
    this.current = activation;
    this.timers.open();
  }

  /** Ends the current activation: its timers are cancelled, nothing more reaches it. */
  end(): void {
    this.current = undefined;
    this.timers.close();
  }

  /** Lets go of it for good: late rejections of its promises are dropped from now on. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.broken = true;
    this.end();
    this.#stopWatching();
  }
}

/**
 * Idle warm sandboxes by slot (one action), at most `maxTotal` in all and `maxPerSlot` per
 * slot, the least recently used slot losing its oldest first.
 */
export class SandboxPool {
  readonly #idle = new Map<string, Sandbox[]>();
  readonly #maxTotal: number;
  readonly #maxPerSlot: number;
  #size = 0;

  constructor(maxTotal: number, maxPerSlot: number) {
    this.#maxTotal = maxTotal;
    this.#maxPerSlot = maxPerSlot;
  }

  get size(): number {
    return this.#size;
  }

  /** An idle sandbox of that slot made for `version`; others found there are of no more use. */
  take(slot: string, version: string): Sandbox | undefined {
    const list = this.#idle.get(slot);
    if (list === undefined) return undefined;
    let found: Sandbox | undefined;
    while (found === undefined && list.length > 0) {
      const sandbox = list.pop() as Sandbox;
      this.#size -= 1;
      if (sandbox.version === version && !sandbox.broken) found = sandbox;
      else sandbox.dispose();
    }
    if (list.length === 0) this.#idle.delete(slot);
    return found;
  }

  /** Keeps a sandbox that ended its activation cleanly, for the next one of its slot. */
  put(slot: string, sandbox: Sandbox): void {
    const list = this.#idle.get(slot) ?? [];
    // Most recently used slot last.
    this.#idle.delete(slot);
    this.#idle.set(slot, list);
    list.push(sandbox);
    this.#size += 1;
    if (list.length > this.#maxPerSlot) {
      list.shift()?.dispose();
      this.#size -= 1;
    }
    while (this.#size > this.#maxTotal) {
      const [oldestSlot, oldest] = this.#idle.entries().next().value as [string, Sandbox[]];
      oldest.shift()?.dispose();
      this.#size -= 1;
      if (oldest.length === 0) this.#idle.delete(oldestSlot);
    }
  }

  /** Disposes the idle sandboxes of a slot (the action was updated or deleted). */
  forget(slot: string): void {
    const list = this.#idle.get(slot);
    if (list === undefined) return;
    this.#idle.delete(slot);
    this.#size -= list.length;
    for (const sandbox of list) sandbox.dispose();
  }

  clear(): void {
    for (const slot of [...this.#idle.keys()]) this.forget(slot);
  }
}
