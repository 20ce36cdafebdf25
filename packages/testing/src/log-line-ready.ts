import type { ChildProcess } from "node:child_process";

export interface LogLineReadyOptions {
  /** The text in the server's stderr that says it is ready. */
  readonly line: string;
  /** The server's name and what "ready" means, for the errors: "etcd", "serve clients". */
  readonly server: string;
  readonly ready: string;
  readonly timeoutMs: number;
}

/**
 * Waits until a server started by a test writes `line` to its stderr, failing with the last few kB
 * of its log if it exits first or takes longer than `timeoutMs` (then it is killed).
 */
export function whenLogLine(child: ChildProcess, options: LogLineReadyOptions): Promise<void> {
  const { line, server, ready, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    let log = "";
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-4000);
      if (log.includes(line)) done();
    };
    const onExit = (code: number | null) =>
      done(new Error(`${server} exited (${code}) before it could ${ready}:\n${log}`));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      done(new Error(`${server} did not ${ready} within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}
