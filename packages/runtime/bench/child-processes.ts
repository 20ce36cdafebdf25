import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface StartedChild {
  readonly name: string;
  readonly pid: number;
  /** The port it printed on its first stdout line. */
  readonly port: number;
}

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const startTimeoutMs = 30_000;
const stopTimeoutMs = 2_000;

/**
 * The bench's child processes, each started with node (through `taskset -c CPU` when pinned) and
 * always stopped by its own PID: never by name, which could hit processes that are not ours.
 */
export class ChildProcesses {
  private readonly running = new Map<number, { name: string; child: ChildProcess }>();
  private readonly stopping = new Set<number>();

  /**
   * Starts `script` (relative to bench/) and waits for the port it announces. TypeScript runs
   * through tsx with the workspace's source condition, as `pnpm bench:hop` runs the bench itself.
   */
  start(
    name: string,
    script: string,
    args: string[],
    cpu: number | undefined,
  ): Promise<StartedChild> {
    const scriptPath = fileURLToPath(new URL(script, import.meta.url));
    const nodeArgs = script.endsWith(".mjs")
      ? [scriptPath, ...args]
      : ["--conditions=@soe/source", "--import", "tsx", scriptPath, ...args];
    const child =
      cpu === undefined
        ? spawn(process.execPath, nodeArgs, { cwd: packageDir, stdio: ["pipe", "pipe", "inherit"] })
        : spawn("taskset", ["-c", String(cpu), process.execPath, ...nodeArgs], {
            cwd: packageDir,
            stdio: ["pipe", "pipe", "inherit"],
          });
    return new Promise<StartedChild>((resolve, reject) => {
      let output = "";
      const fail = (why: string) => {
        clearTimeout(timer);
        if (child.pid !== undefined) void this.stop(child.pid);
        reject(new Error(`${name} (${script}) ${why}`));
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
        // Anything printed later is not for us, but the pipe must not fill up and block the child.
        stdout.resume();
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
