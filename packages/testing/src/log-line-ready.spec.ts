import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { whenLogLine } from "./log-line-ready.js";

const options = { line: "ready now", server: "toy", ready: "serve", timeoutMs: 10_000 };

function node(script: string) {
  return spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "pipe"] });
}

describe("whenLogLine", () => {
  it("resolves once the line is on stderr, even split across chunks", async () => {
    const child = node(
      'process.stderr.write("ready "); setTimeout(() => process.stderr.write("now\\n"), 20); setTimeout(() => {}, 10000);',
    );
    try {
      await expect(whenLogLine(child, options)).resolves.toBeUndefined();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("rejects with the log when the server exits first", async () => {
    const child = node('process.stderr.write("bad config\\n"); process.exit(3);');
    await expect(whenLogLine(child, options)).rejects.toThrow(
      "toy exited (3) before it could serve:\nbad config",
    );
  });

  it("kills a server that never says it is ready", async () => {
    const child = node('process.stderr.write("starting\\n"); setTimeout(() => {}, 10000);');
    const exited = new Promise((resolve) => child.once("exit", (_c, signal) => resolve(signal)));
    await expect(whenLogLine(child, { ...options, timeoutMs: 200 })).rejects.toThrow(
      "toy did not serve within 200 ms:\nstarting",
    );
    expect(await exited).toBe("SIGKILL");
  });
});
