import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { containers, controllerClients } from "./fixtures.js";

// The entry point as a plain Node process runs it, from the TypeScript sources.
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const nodeArgs = ["--conditions=@soe/source", "--import", "tsx", main];
const env = { ...process.env, LOG_PRETTY: "0", LOG_LEVEL: "info" };

const run = (...args: string[]) =>
  spawnSync(process.execPath, [...nodeArgs, ...args], { encoding: "utf8", timeout: 20_000, env });

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "soe-main-"));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("edgecontroller", () => {
  it("lists every option with its default", () => {
    const result = run("--help");
    expect(result.status).toBe(0);
    // Columns are as wide as the longest option.
    expect(result.stdout).toMatch(
      /--server-endpoint <string> +end-point to serve on \(default: 0\.0\.0\.0:6475\)/,
    );
    for (const text of [
      "--installer-type",
      "(default: flat)",
      "--lease-ttl",
      "--state-file",
      "--install-timeout",
      "--token",
      "--router-tls-ca",
      "--reconcile-interval",
      "--installation-timeout",
    ]) {
      expect(result.stdout).toContain(text);
    }
  });

  it.each([
    [
      ["--installer-type", "tree"],
      "invalid --installer-type 'tree': allowed values are flat, hier",
    ],
    [["--hier-objective", "max"], "invalid --hier-objective 'max'"],
    [["--lease-ttl", "-1"], "invalid --lease-ttl -1"],
    [["--install-timeout", "0"], "invalid --install-timeout 0"],
    [["--reconcile-interval", "0"], "invalid --reconcile-interval 0"],
    [["--server-endpoint", "nowhere"], 'invalid end-point "nowhere"'],
    [
      ["--state-file", "/tmp/s.json", "--store", "etcd://127.0.0.1:2379"],
      "--state-file and --store cannot be used together",
    ],
    [["--store", "etcd://u:hunter2@nohost"], "invalid --store: member 'nohost' is not host:port"],
    [["--store", "postgres://127.0.0.1:5432"], "invalid --store: expected etcd://"],
    [["--leader-lease", "1"], "invalid --leader-lease 1"],
    [
      ["--installer-type", "hier", "--topology-file", "/nonexistent/dist.txt"],
      "cannot read --topology-file",
    ],
  ])("refuses %j with one line and exit 2", (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toContain(`edgecontroller: ${message}`);
    expect(result.stderr).not.toContain("hunter2");
  });

  it("refuses a corrupted state file with exit 2", () => {
    const stateFile = join(dir, "state.json");
    writeFileSync(stateFile, "not json");
    const result = run("--server-endpoint", "127.0.0.1:0", "--state-file", stateFile);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`edgecontroller: ${stateFile}: not JSON`);
  });

  it("serves until SIGTERM, then saves its membership and exits 0", async () => {
    const stateFile = join(dir, "state.json");
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        "--server-endpoint",
        "127.0.0.1:0",
        "--state-file",
        stateFile,
        "--lease-ttl",
        "0",
      ],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
        const record = JSON.parse(line) as { msg?: string; endpoint?: string };
        if (record.msg === "Created a controller with flat routing" && record.endpoint) {
          resolve(record.endpoint);
        }
      });
    });
    const clients = controllerClients(endpoint);
    await clients.control.announceComputer({
      edgeServerEndpoint: "c1:6473",
      containers: containers("l0"),
    });
    clients.close();

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(saved.computers).toEqual([{ endpoint: "c1:6473", containers: containers("l0") }]);
  });
});
