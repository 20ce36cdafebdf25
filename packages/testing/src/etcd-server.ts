import { type ChildProcess, spawn } from "node:child_process";
import { access, constants, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unusedPort } from "./unused-port.js";

/** Debian's etcd-server package puts the server here. */
const DEBIAN_ETCD = "/usr/bin/etcd";

export interface EtcdServerOptions {
  /** The etcd binary; default Debian's /usr/bin/etcd. */
  readonly binary?: string;
  /** How long the server may take to serve clients, ms (default 30000). */
  readonly startTimeoutMs?: number;
}

/** A throw-away one-member etcd on loopback ports, its data in a temporary folder. */
export interface EtcdServer {
  /** `http://127.0.0.1:port`: the client URL (etcd3's `hosts`). */
  readonly url: string;
  /** `127.0.0.1:port`, as `--store etcd://…` takes it. */
  readonly endpoint: string;
  readonly port: number;
  /** The server's process id. */
  readonly pid: number;
  /** Stops the server (by its PID) and removes its folder; later calls wait for the same stop. */
  close(): Promise<void>;
}

/** Waits for the log line that says the member serves clients, or for its early exit. */
function whenReady(child: ChildProcess, timeoutMs: number): Promise<void> {
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
      if (log.includes("serving insecure client requests")) done();
    };
    const onExit = (code: number | null) =>
      done(new Error(`etcd exited (${code}) before serving clients:\n${log}`));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      done(new Error(`etcd did not serve clients within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/**
 * Starts a real etcd from Debian's etcd-server package: one member, client and peer URLs on free
 * 127.0.0.1 ports (nothing shared with a system etcd), data in a temporary folder.
 */
export async function startEtcdServer(options: EtcdServerOptions = {}): Promise<EtcdServer> {
  const binary = options.binary ?? DEBIAN_ETCD;
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new Error(
      `no etcd at ${binary}: install Debian's etcd-server package (apt-get install etcd-server)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "soe-etcd-"));
  let child: ChildProcess | undefined;
  try {
    const port = await unusedPort();
    const peerPort = await unusedPort();
    const client = `http://127.0.0.1:${port}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    child = spawn(
      binary,
      [
        "--name",
        "soe-test",
        "--data-dir",
        join(dir, "data"),
        "--listen-client-urls",
        client,
        "--advertise-client-urls",
        client,
        "--listen-peer-urls",
        peer,
        "--initial-advertise-peer-urls",
        peer,
        "--initial-cluster",
        `soe-test=${peer}`,
        "--initial-cluster-state",
        "new",
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"], env: etcdEnvironment() },
    );
    await whenReady(child, options.startTimeoutMs ?? 30_000);
    // Keep draining its log, or a full pipe would stall the server.
    child.stderr?.resume();
    const server = child;
    let closing: Promise<void> | undefined;
    return {
      url: client,
      endpoint: `127.0.0.1:${port}`,
      port,
      pid: server.pid ?? 0,
      close() {
        closing ??= stopServer(server).finally(() => rm(dir, { recursive: true, force: true }));
        return closing;
      },
    };
  } catch (error) {
    if (child !== undefined) await stopServer(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The test's environment without ETCD_* variables, which etcd would read as flags. */
function etcdEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("ETCD_")),
  );
}

/** SIGTERM stops etcd cleanly; SIGKILL if it does not stop. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
