import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface StartedChild {
  readonly name: string;
  readonly pid: number;
  /** The port it printed on its first stdout line. */
  readonly port: number;
}

export interface ChildProcessesOptions {
  /** Working directory of every child; default: this process's (the package `pnpm` runs in). */
  readonly cwd?: string;
}

export interface StartOptions {
  /** Pin the child to this CPU with `taskset -c`; undefined runs it unpinned. */
  readonly cpu?: number | undefined;
  /** Every stdout line after the port; by default they are read and dropped. */
  readonly onLine?: (line: string) => void;
}

const startTimeoutMs = 30_000;
const stopTimeoutMs = 2_000;

/**
 * The bench's child processes, each started with node (through `taskset -c CPU` when pinned) and
 * always stopped by its own PID: never by name, which could hit processes that are not ours.
 */
export class ChildProcesses {
  private readonly running = new Map<number, { name: string; child: ChildProcess }>();
  private readonly stopping = new Set<number>();
  private readonly cwd: string;

  constructor(options: ChildProcessesOptions = {}) {
    this.cwd = options.cwd ?? process.cwd();
  }

  /**
   * Starts `script` (a file URL or an absolute path) and waits for the port it announces.
   * TypeScript runs through tsx with the workspace's source condition, as the benches themselves
   * run; a `.mjs` script runs with plain node.
   */
  start(
    name: string,
    script: URL | string,
    args: readonly string[],
    options: StartOptions = {},
  ): Promise<StartedChild> {
    const scriptPath = typeof script === "string" ? script : fileURLToPath(script);
    const nodeArgs = scriptPath.endsWith(".mjs")
      ? [scriptPath, ...args]
      : ["--conditions=@soe/source", "--import", "tsx", scriptPath, ...args];
    const { cpu, onLine } = options;
    const child =
      cpu === undefined
        ? spawn(process.execPath, nodeArgs, { cwd: this.cwd, stdio: ["pipe", "pipe", "inherit"] })
        : spawn("taskset", ["-c", String(cpu), process.execPath, ...nodeArgs], {
            cwd: this.cwd,
            stdio: ["pipe", "pipe", "inherit"],
          });
    return new Promise<StartedChild>((resolve, reject) => {
      let output = "";
      const fail = (why: string) => {
        clearTimeout(timer);
        if (child.pid !== undefined) void this.stop(child.pid);
        reject(new Error(`${name} (${scriptPath}) ${why}`));
      };
      const timer = setTimeout(
        () => fail(`printed no port within ${startTimeoutMs / 1000} s`),
        startTimeoutMs,
      );
      child.once("error", (error) => fail(`could not start: ${error.message}`));
      child.once("exit", (code, signal) => {
        if (child.pid !== undefined) this.running.delete(child.pid);
        if (child.pid !== undefined && this.stopping.has(child.pid)) return;
        const how = signal === null ? `code ${code}` : `signal ${signal}`;
        if (output.includes("\n")) {
          process.stderr.write(`[bench] ${name} (pid ${child.pid}) exited unexpectedly: ${how}\n`);
        } else {
          fail(`exited before printing its port: ${how}`);
        }
      });
      if (child.pid !== undefined) this.running.set(child.pid, { name, child });
      const stdout = child.stdout as NonNullable<typeof child.stdout>;
      stdout.setEncoding("utf8");
      const onData = (text: string) => {
        output += text;
        const newline = output.indexOf("\n");
        if (newline < 0) return;
        stdout.off("data", onData);
        if (onLine === undefined) {
          // Anything printed later is not for us, but the pipe must not fill up and block the child.
          stdout.resume();
        } else {
          forwardLines(stdout, output.slice(newline + 1), onLine);
        }
        clearTimeout(timer);
        const port = Number(output.slice(0, newline).trim());
        if (!Number.isInteger(port) || port <= 0 || child.pid === undefined) {
          fail(`printed "${output.slice(0, newline)}" instead of a port`);
          return;
        }
        resolve({ name, pid: child.pid, port });
      };
      stdout.on("data", onData);
    });
  }

  /** SIGTERM, then SIGKILL if the process is still there after 2 s. */
  async stop(pid: number): Promise<void> {
    const entry = this.running.get(pid);
    if (entry === undefined) return;
    this.stopping.add(pid);
    const { child } = entry;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
    this.running.delete(pid);
  }

  stopAll(): Promise<void> {
    return Promise.all([...this.running.keys()].map((pid) => this.stop(pid))).then(() => undefined);
  }

  /** For a bench that must exit now (signal, crash): no waiting, no second chance. */
  killAllNow(): void {
    for (const [pid, { child }] of this.running) {
      this.stopping.add(pid);
      child.kill("SIGKILL");
    }
    this.running.clear();
  }
}

/** Hands complete lines to `onLine`, starting with what came in the port's chunk after the port. */
function forwardLines(
  stdout: NodeJS.ReadableStream,
  alreadyRead: string,
  onLine: (line: string) => void,
): void {
  let pending = "";
  const take = (text: string) => {
    pending += text;
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
  };
  take(alreadyRead);
  stdout.on("data", take);
}
