import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startOpenWhiskMock } from "@soe/openwhisk-mock";
import { startRecordingController } from "@soe/testing";
import { describe, expect, it } from "vitest";
import { eventually } from "./log-capture.js";

// The edgecomputerwsk process as an operator runs it: the reference documentation's options
// (with its `--server` and `--controller` prefixes), the key from the environment, SIGTERM.
const KEY = `0b6e0f34-3c1d-4e8a-9b7f-2a1d0c9e8f7a:${"ProcessKeyNeverShown".repeat(4).slice(0, 64)}`;
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ["--conditions=@soe/source", "--import", "tsx", main, ...args],
    {
      env: { ...process.env, LOG_LEVEL: "debug", LOG_PRETTY: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null) child.kill("SIGKILL");
}

describe("edgecomputerwsk", () => {
  it("prints its options with their defaults, and never a secret", async () => {
    const run = start(["--help"], { SOE_EDGECOMPUTERWSK_WSK_AUTH: KEY });
    expect(await run.exited).toBe(0);
    const help = run.output();
    for (const flag of [
      "--server-endpoint",
      "--controller-endpoint",
      "--wsk-api-root",
      "--wsk-auth",
      "--insecure",
      "--lister-period",
      "--lease-ttl",
      "--timeout",
      "--advertise",
      "--token",
      "--labels",
      "--public-namespaces",
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain("(default: 0.0.0.0:6473)");
    expect(help).not.toContain(KEY.split(":")[1]);
  });

  it("announces with the documentation's options, and removes itself on SIGTERM", async () => {
    const ow = await startOpenWhiskMock({ preload: ["copy"], keys: { guest: KEY } });
    const ctl = await startRecordingController();
    const run = start(
      [
        "--wsk-api-root",
        ow.url,
        "--controller",
        ctl.endpoint,
        "--server",
        "127.0.0.1:0",
        "--lister-period",
        "0.1",
      ],
      { SOE_EDGECOMPUTERWSK_WSK_AUTH: KEY },
    );
    try {
      await eventually(() => ctl.lastLambdas(), "the announcement", 20_000);
      // whisk.system's published packages are announced too (--public-namespaces' default).
      const [own, ...published] = ctl.lastLambdas() ?? [];
      expect(own).toBe("/guest/copy");
      expect(published).toContain("/whisk.system/utils/sort");
      expect(published.every((name) => name.startsWith("/whisk.system/utils/"))).toBe(true);
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
      expect(ctl.calls.at(-1)?.method).toBe("removeComputer");
      expect(run.output()).toContain("Set of actions at");
      expect(run.output()).not.toContain(KEY.split(":")[1]);
      expect(run.output()).not.toContain(Buffer.from(KEY).toString("base64"));
    } finally {
      stop(run.child);
      await ow.close();
      await ctl.close();
    }
  });

  it("refuses to start without a key", async () => {
    const run = start(["--wsk-api-root", "http://127.0.0.1:1"], {
      SOE_EDGECOMPUTERWSK_WSK_AUTH: "",
    });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain(
      "option '--wsk-auth' is required (or set SOE_EDGECOMPUTERWSK_WSK_AUTH)",
    );
  });

  it("refuses malformed --labels as a usage error", async () => {
    const run = start(["--wsk-api-root", "http://127.0.0.1:1", "--labels", "zone=eu,zone=us"], {
      SOE_EDGECOMPUTERWSK_WSK_AUTH: KEY,
    });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("invalid --labels: label 'zone' is given twice");
  });
});
