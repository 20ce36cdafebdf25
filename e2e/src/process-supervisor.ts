import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { commandOf, REPO_ROOT, type RunFrom, runFromEnv } from "./binaries.js";
import { type LineSink, OutputTail } from "./process-output.js";
import type { PortBook, ProcessSpec } from "./topology.js";

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SupervisorOptions {
  /** Every output line of every process; the supervisor also keeps a tail of each. */
  readonly onLine?: LineSink;
  /** A process ended without being asked to (a crash, or a fatal start error). */
  readonly onUnexpectedExit?: (name: string, status: ExitStatus) => void;
  readonly from?: RunFrom;
  /** Default 20 s: a cold node start of a service takes well under a second. */
  readonly readyTimeoutMs?: number;
  /** SIGTERM, then SIGKILL after this long (default 12 s, beyond the services' own 10 s drain). */
  readonly graceMs?: number;
  /** Base environment; default process.env without SOE_* (options come from the topology). */
  readonly env?: NodeJS.ProcessEnv;
}

interface Supervised {
  readonly spec: ProcessSpec;
  child: ChildProcess | undefined;
  exited: Promise<ExitStatus> | undefined;
  /** Set while the supervisor itself stops the process: its exit is then expected. */
  stopping: boolean;
}

/**
 * Starts processes, waits until each is ready, and stops them by PID: SIGTERM, then SIGKILL
 * after a grace period; never by name. Each child gets its own process group, so a Ctrl-C on
 * the launcher's terminal reaches the launcher alone, which then stops the domain in order.
 */
export class ProcessSupervisor {
  readonly tail = new OutputTail();
  readonly #options: SupervisorOptions;
  readonly #processes = new Map<string, Supervised>();
  readonly #order: string[] = [];
  readonly #ports: PortBook;

  constructor(ports: PortBook, options: SupervisorOptions = {}) {
    this.#ports = ports;
    this.#options = options;
    // The safety net: if the launcher exits without stopping its children, they go too.
    process.once("exit", this.#killSurvivors);
  }

  get ports(): PortBook {
    return this.#ports;
  }

  /** Spawns the process and resolves once it is ready; rejects (and kills it) otherwise. */
  async start(spec: ProcessSpec): Promise<void> {
    let entry = this.#processes.get(spec.name);
    if (entry?.child !== undefined) throw new Error(`${spec.name} is already running`);
    if (entry === undefined) {
      entry = { spec, child: undefined, exited: undefined, stopping: false };
      this.#processes.set(spec.name, entry);
      this.#order.push(spec.name);
    }
    this.#spawn(entry);
    try {
      await this.#waitReady(entry);
    } catch (error) {
      await this.stop(spec.name);
      throw error;
    }
  }

  pid(name: string): number | undefined {
    return this.#entry(name).child?.pid;
  }

  isRunning(name: string): boolean {
    return this.#entry(name).child !== undefined;
  }

  /** SIGTERM and wait; SIGKILL if the process outlives the grace period. */
  async stop(name: string): Promise<ExitStatus | undefined> {
    const entry = this.#entry(name);
    const { child, exited } = entry;
    if (child === undefined || exited === undefined) return undefined;
    entry.stopping = true;
    child.kill("SIGTERM");
    const graceMs = this.#options.graceMs ?? 12_000;
    const timer = sleep(graceMs, "grace", { ref: false });
    if ((await Promise.race([exited, timer])) === "grace") {
      this.#note(name, `still running ${graceMs} ms after SIGTERM: SIGKILL`);
      child.kill("SIGKILL");
    }
    return exited;
  }

  /** Sends `signal` (default SIGKILL: a crash, no clean-up) and waits for the exit. */
  async kill(name: string, signal: NodeJS.Signals = "SIGKILL"): Promise<ExitStatus | undefined> {
    const entry = this.#entry(name);
    const { child, exited } = entry;
    if (child === undefined || exited === undefined) return undefined;
    entry.stopping = true;
    child.kill(signal);
    return exited;
  }

  /** Stops the process (if running) and starts it again on the same ports. */
  async restart(name: string): Promise<void> {
    const entry = this.#entry(name);
    await this.stop(name);
    await this.start(entry.spec);
  }

  /** Stops every running process, the last started first. */
  async stopAll(): Promise<void> {
    for (const name of [...this.#order].reverse()) await this.stop(name);
    process.off("exit", this.#killSurvivors);
  }

  #entry(name: string): Supervised {
    const entry = this.#processes.get(name);
    if (entry === undefined) throw new Error(`no process named '${name}'`);
    return entry;
  }

  #spawn(entry: Supervised): void {
    const { spec } = entry;
    const command = commandOf(spec.binary, this.#options.from ?? runFromEnv());
    const child = spawn(process.execPath, [...command, ...spec.args(this.#ports)], {
      cwd: REPO_ROOT,
      env: { ...(this.#options.env ?? baseEnv()), ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    entry.child = child;
    entry.stopping = false;
    for (const stream of ["stdout", "stderr"] as const) {
      createInterface({ input: child[stream], crlfDelay: Number.POSITIVE_INFINITY }).on(
        "line",
        (line) => this.#line(spec.name, line, stream),
      );
    }
    entry.exited = new Promise<ExitStatus>((resolve) => {
      // "close", not "exit": the output is read to the end before the exit is reported.
      child.once("close", (code, signal) => {
        const status = { code, signal };
        const expected = entry.stopping;
        entry.child = undefined;
        entry.stopping = false;
        this.#note(spec.name, `exited (${signal ?? `code ${code}`})`);
        if (!expected) this.#options.onUnexpectedExit?.(spec.name, status);
        resolve(status);
      });
    });
    child.once("error", (error) => this.#note(spec.name, `cannot start: ${error.message}`));
  }

  async #waitReady(entry: Supervised): Promise<void> {
    const { spec, exited } = entry;
    const ready = spec.ready ?? ((ports: PortBook) => healthz(ports.url(spec.name)));
    const timeoutMs = this.#options.readyTimeoutMs ?? 20_000;
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void exited?.then(() => {
      gone = true;
    });
    while (!gone) {
      if (await ready(this.#ports).catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${spec.name} not ready after ${timeoutMs} ms${this.#lastLines(spec.name)}`,
        );
      }
      await sleep(50);
    }
    throw new Error(`${spec.name} exited before it was ready${this.#lastLines(spec.name)}`);
  }

  #lastLines(name: string): string {
    const lines = this.tail.lines(name).slice(-15);
    return lines.length === 0 ? "" : `; its last lines:\n${lines.join("\n")}`;
  }

  #line(name: string, line: string, stream: "stdout" | "stderr"): void {
    this.tail.add(name, line);
    this.#options.onLine?.(name, line, stream);
  }

  /** The supervisor's own lines go with the process's, so the story reads in one place. */
  #note(name: string, text: string): void {
    this.#line(name, `(launcher) ${text}`, "stderr");
  }

  readonly #killSurvivors = () => {
    for (const { child } of this.#processes.values()) child?.kill("SIGKILL");
  };
}

/** The launcher's environment minus SOE_* variables: a stray one would change a process's options. */
export function baseEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("SOE_")));
}

/** Readiness as every process of the project reports it: `GET /healthz` → 200. */
export async function healthz(baseUrl: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
  await response.body?.cancel();
  return response.status === 200;
}
