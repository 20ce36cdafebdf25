import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  access,
  chown,
  constants,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { whenLogLine } from "./log-line-ready.js";
import { unusedPort } from "./unused-port.js";

const run = promisify(execFile);

/** Where Debian's `postgresql` package puts each major version's server binaries. */
const DEBIAN_ROOT = "/usr/lib/postgresql";

export interface PostgresServerOptions {
  /** Folder with `initdb` and `postgres`; default: the newest under /usr/lib/postgresql. */
  readonly binDir?: string;
  /** How long the server may take to accept connections, ms (default 30000). */
  readonly startTimeoutMs?: number;
}

/** A throw-away PostgreSQL server on a loopback port, its data in a temporary folder. */
export interface PostgresServer {
  /** `postgres://user:password@127.0.0.1:port/postgres`: the superuser, password auth. */
  readonly url: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The folder of the server's binaries (pg_isready and friends sit beside them). */
  readonly binDir: string;
  /** Creates an empty database and returns its URL: one per test keeps tests apart. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (by its PID) and removes its folder; later calls wait for the same stop. */
  close(): Promise<void>;
}

async function debianBinDir(): Promise<string> {
  let versions: string[] = [];
  try {
    versions = await readdir(DEBIAN_ROOT);
  } catch {
    // No PostgreSQL at all: the error below says what to install.
  }
  const newest = versions
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .at(0);
  if (newest === undefined) {
    throw new Error(
      `no PostgreSQL server binaries under ${DEBIAN_ROOT}/*/bin: install Debian's postgresql package (apt-get install postgresql)`,
    );
  }
  return join(DEBIAN_ROOT, newest, "bin");
}

/**
 * postgres refuses to run as root; then the server runs as the package's `postgres` user (or
 * `nobody` without it), so its folder must belong to that user.
 */
async function serverAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile("/etc/passwd", "utf8");
  const byName = new Map(
    passwd
      .split("\n")
      .map((line) => line.split(":"))
      .filter((fields) => fields.length >= 4)
      .map((fields) => [fields[0], { uid: Number(fields[2]), gid: Number(fields[3]) }]),
  );
  const account = byName.get("postgres") ?? byName.get("nobody");
  if (account === undefined) throw new Error("running as root and no postgres or nobody user");
  return account;
}

async function chownTree(path: string, account: { uid: number; gid: number }): Promise<void> {
  await chown(path, account.uid, account.gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, account);
    else await chown(child, account.uid, account.gid);
  }
}

/**
 * Starts a real PostgreSQL from Debian's binaries: `initdb` into a temporary folder, `postgres`
 * on a free 127.0.0.1 port with its unix socket in that folder (nothing shared with a system
 * server), durability off since the data is thrown away.
 */
export async function startPostgresServer(
  options: PostgresServerOptions = {},
): Promise<PostgresServer> {
  const binDir = options.binDir ?? (await debianBinDir());
  for (const tool of ["initdb", "postgres", "createdb"]) {
    try {
      await access(join(binDir, tool), constants.X_OK);
    } catch {
      throw new Error(
        `no ${tool} in ${binDir}: install Debian's postgresql package (apt-get install postgresql)`,
      );
    }
  }
  const account = await serverAccount();
  const ids = account === undefined ? {} : { uid: account.uid, gid: account.gid };
  const dir = await mkdtemp(join(tmpdir(), "soe-postgres-"));
  const dataDir = join(dir, "data");
  const user = "soe";
  const password = randomBytes(12).toString("hex");
  let child: ChildProcess | undefined;
  try {
    await writeFile(join(dir, "password"), `${password}\n`, { mode: 0o600 });
    if (account !== undefined) await chownTree(dir, account);
    try {
      await run(
        join(binDir, "initdb"),
        [
          "-D",
          dataDir,
          "-U",
          user,
          "-E",
          "UTF8",
          "--no-locale",
          "--no-sync",
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          `--pwfile=${join(dir, "password")}`,
        ],
        { ...ids, cwd: dir },
      );
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? "";
      throw new Error(`initdb failed: ${(error as Error).message}\n${stderr}`);
    }
    const port = await unusedPort();
    child = spawn(
      join(binDir, "postgres"),
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${dir}`,
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
      ],
      { ...ids, cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    await whenLogLine(child, {
      line: "database system is ready to accept connections",
      server: "postgres",
      ready: "accept connections",
      timeoutMs: options.startTimeoutMs ?? 30_000,
    });
    // Keep draining its log, or a full pipe would stall the server.
    child.stderr?.resume();
    const server = child;
    const base = `postgres://${user}:${password}@127.0.0.1:${port}`;
    let closing: Promise<void> | undefined;
    return {
      url: `${base}/postgres`,
      port,
      user,
      password,
      binDir,
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name "${name}"`);
        await run(join(binDir, "createdb"), ["-h", dir, "-p", String(port), "-U", user, name], {
          ...ids,
          cwd: dir,
        });
        return `${base}/${name}`;
      },
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

/** SIGINT is postgres's fast shutdown (clients disconnected); SIGKILL if it does not stop. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
