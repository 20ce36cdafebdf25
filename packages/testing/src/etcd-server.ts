import { type ChildProcess, spawn } from "node:child_process";
import { access, constants, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { whenLogLine } from "./log-line-ready.js";
import { unusedPort } from "./unused-port.js";

/** Debian's etcd-server package puts the server here. */
const DEBIAN_ETCD = "/usr/bin/etcd";

export interface EtcdServerOptions {
  /** The etcd binary; default Debian's /usr/bin/etcd. */
  readonly binary?: string;
  /** How many members (default 1); 3 makes a cluster that survives losing one. */
  readonly members?: number;
  /** How long the server may take to serve clients, ms (default 30000). */
  readonly startTimeoutMs?: number;
}

/** One member of the cluster. */
export interface EtcdMember {
  /** `127.0.0.1:port`, its client end-point. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
}

/** A throw-away etcd (one member, or a cluster) on loopback ports, its data in a temporary folder. */
export interface EtcdServer {
  /** `http://127.0.0.1:port`: the first member's client URL (etcd3's `hosts`). */
  readonly url: string;
  /** `127.0.0.1:port`, the first member, as `--store etcd://…` takes it. */
  readonly endpoint: string;
  readonly port: number;
  /** The first member's process id. */
  readonly pid: number;
  /** Every member, first first: `etcd://${members.map((m) => m.endpoint).join(",")}`. */
  readonly members: readonly EtcdMember[];
  /** Stops every member (by PID) and removes the folder; later calls wait for the same stop. */
  close(): Promise<void>;
}

/**
 * Starts a real etcd from Debian's etcd-server package: one member, or a cluster of `members`,
 * client and peer URLs on free 127.0.0.1 ports (nothing shared with a system etcd), data in a
 * temporary folder.
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
  const count = options.members ?? 1;
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`bad member count ${count}`);
  const dir = await mkdtemp(join(tmpdir(), "soe-etcd-"));
  const children: ChildProcess[] = [];
  try {
    const members: { name: string; port: number; client: string; peer: string }[] = [];
    for (let i = 0; i < count; i++) {
      const port = await unusedPort();
      const peer = `http://127.0.0.1:${await unusedPort()}`;
      members.push({ name: `soe-test-${i}`, port, client: `http://127.0.0.1:${port}`, peer });
    }
    const cluster = members.map((m) => `${m.name}=${m.peer}`).join(",");
    for (const m of members) {
      children.push(
        spawn(
          binary,
          [
            "--name",
            m.name,
            "--data-dir",
            join(dir, m.name),
            "--listen-client-urls",
            m.client,
            "--advertise-client-urls",
            m.client,
            "--listen-peer-urls",
            m.peer,
            "--initial-advertise-peer-urls",
            m.peer,
            "--initial-cluster",
            cluster,
            "--initial-cluster-state",
            "new",
            "--initial-cluster-token",
            dir,
            // Loopback: a short election timeout lets a fresh cluster elect its leader sooner.
            "--heartbeat-interval",
            "50",
            "--election-timeout",
            "500",
          ],
          { cwd: dir, stdio: ["ignore", "ignore", "pipe"], env: etcdEnvironment() },
        ),
      );
    }
    // Members serve clients once a quorum has formed: they start together.
    await Promise.all(
      children.map((c) =>
        whenLogLine(c, {
          line: "serving insecure client requests",
          server: "etcd",
          ready: "serve clients",
          timeoutMs: options.startTimeoutMs ?? 30_000,
        }),
      ),
    );
    // Keep draining their logs, or a full pipe would stall a member.
    for (const child of children) child.stderr?.resume();
    const running = members.map((m, i) => ({
      endpoint: `127.0.0.1:${m.port}`,
      port: m.port,
      pid: children[i]?.pid ?? 0,
    }));
    const first = running[0] as EtcdMember;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${first.endpoint}`,
      endpoint: first.endpoint,
      port: first.port,
      pid: first.pid,
      members: running,
      close() {
        closing ??= Promise.all(children.map(stopServer)).then(
          () => rm(dir, { recursive: true, force: true }),
          () => rm(dir, { recursive: true, force: true }),
        );
        return closing;
      },
    };
  } catch (error) {
    await Promise.all(children.map(stopServer));
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

/**
 * SIGKILL: the data is thrown away, so nothing is gained by a clean stop, and members of a
 * cluster stopping together under SIGTERM wait seconds for leadership transfers that cannot
 * happen.
 */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}
