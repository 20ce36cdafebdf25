import { execFile } from "node:child_process";
import { commandOf, REPO_ROOT, runFromEnv } from "../../src/index.js";

/** One result line of edgeclient (reference §7.2): `<t> <latency> <load1> <responder> <lambda> <hops>`. */
export interface ResultLine {
  readonly latency: number;
  readonly responder: string;
  readonly lambda: string;
  readonly hops: number;
}

export interface EdgeClientRun {
  readonly code: number | null;
  readonly lines: ResultLine[];
  readonly stderr: string;
}

/** Runs the `edgeclient` binary to its end, as a user would, and parses its result lines. */
export function runEdgeClient(args: readonly string[], timeoutMs = 60_000): Promise<EdgeClientRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...commandOf("edgeclient", runFromEnv()), ...args],
      { cwd: REPO_ROOT, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        if (error !== null && code === null) {
          reject(new Error(`edgeclient did not finish: ${error.message}\n${stderr}`));
          return;
        }
        const lines = stdout
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map(parseResultLine);
        resolve({ code, lines, stderr });
      },
    );
  });
}

function parseResultLine(line: string): ResultLine {
  const fields = line.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`not an edgeclient result line: ${line}`);
  const [, latency, , responder, lambda, hops] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { latency: Number(latency), responder, lambda, hops: Number(hops) };
}
