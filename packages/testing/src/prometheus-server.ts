import { type ChildProcess, spawn } from "node:child_process";
import { access, constants, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { unusedPort } from "./unused-port.js";

/** Debian's prometheus package puts the server here. */
const DEBIAN_PROMETHEUS = "/usr/bin/prometheus";

/** One scrape job: its name (the `job` label) and the `host:port` of each target's /metrics. */
export interface PrometheusJob {
  readonly name: string;
  readonly targets: readonly string[];
}

export interface PrometheusServerOptions {
  /** The prometheus binary; default Debian's /usr/bin/prometheus. */
  readonly binary?: string;
  /** Seconds between two scrapes of a target (default 1). */
  readonly scrapeIntervalSeconds?: number;
  /** How long the server may take to answer /-/ready, ms (default 30000). */
  readonly startTimeoutMs?: number;
}

/** A target as `/api/v1/targets` lists it. */
export interface ScrapeTarget {
  readonly job: string;
  /** `host:port`. */
  readonly instance: string;
  readonly health: "up" | "down" | "unknown";
  /** Why the last scrape failed; empty when it did not. */
  readonly lastError: string;
}

/** One series of an instant vector from `/api/v1/query`. */
export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A throw-away Prometheus on a loopback port, scraping static targets, its TSDB in a temporary folder. */
export interface PrometheusServer {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  readonly port: number;
  /** The server's process id. */
  readonly pid: number;
  targets(): Promise<ScrapeTarget[]>;
  /** Resolves once every target has been scraped and is up; rejects with the down ones' errors. */
  waitForTargetsUp(timeoutMs?: number): Promise<ScrapeTarget[]>;
  /** An instant query (PromQL); rejects if Prometheus refuses it or it is not a vector. */
  query(promql: string): Promise<QuerySample[]>;
  /** Stops the server (by its PID) and removes its folder; later calls wait for the same stop. */
  close(): Promise<void>;
}

/** The configuration, as JSON: Prometheus reads YAML, of which JSON is a part. */
export function prometheusConfig(
  jobs: readonly PrometheusJob[],
  scrapeIntervalSeconds: number,
): string {
  const interval = `${Math.max(1, Math.round(scrapeIntervalSeconds * 1000))}ms`;
  return JSON.stringify(
    {
      global: {
        scrape_interval: interval,
        scrape_timeout: interval,
        evaluation_interval: interval,
      },
      scrape_configs: jobs.map((job) => ({
        job_name: job.name,
        static_configs: [{ targets: [...job.targets] }],
      })),
    },
    null,
    2,
  );
}

/**
 * Starts Debian's Prometheus on a free 127.0.0.1 port with `jobs` as static scrape targets,
 * and waits until it is ready. Nothing of it outlives close(): the TSDB and the configuration
 * live in a temporary folder, removed then.
 */
export async function startPrometheusServer(
  jobs: readonly PrometheusJob[],
  options: PrometheusServerOptions = {},
): Promise<PrometheusServer> {
  const binary = options.binary ?? DEBIAN_PROMETHEUS;
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new Error(
      `no Prometheus at ${binary}: install Debian's prometheus package (apt-get install prometheus)`,
    );
  }
  const names = new Set(jobs.map((j) => j.name));
  if (names.size !== jobs.length) throw new Error("two scrape jobs have the same name");
  const dir = await mkdtemp(join(tmpdir(), "soe-prometheus-"));
  let child: ChildProcess | undefined;
  try {
    const config = join(dir, "prometheus.yml");
    await writeFile(config, prometheusConfig(jobs, options.scrapeIntervalSeconds ?? 1));
    const port = await unusedPort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(
      binary,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Debian's defaults point at /etc/prometheus, which a test must not depend on.
        `--web.console.templates=${dir}`,
        `--web.console.libraries=${dir}`,
        "--log.level=warn",
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    const log = keepTail(child);
    await whenReady(child, url, options.startTimeoutMs ?? 30_000, log);
    const server = child;
    const pid = server.pid ?? 0;
    let closing: Promise<void> | undefined;
    const targets = async (): Promise<ScrapeTarget[]> => {
      const data = await api<{ activeTargets: RawTarget[] }>(`${url}/api/v1/targets?state=active`);
      return data.activeTargets.map((t) => ({
        job: t.labels.job ?? "",
        instance: t.labels.instance ?? "",
        health: t.health,
        lastError: t.lastError,
      }));
    };
    return {
      url,
      port,
      pid,
      targets,
      async waitForTargetsUp(timeoutMs = 30_000) {
        const expected = jobs.reduce((n, job) => n + job.targets.length, 0);
        const until = Date.now() + timeoutMs;
        for (;;) {
          const now = await targets();
          if (now.length === expected && now.every((t) => t.health === "up")) return now;
          if (Date.now() > until) {
            const down = now
              .filter((t) => t.health !== "up")
              .map((t) => `${t.job} ${t.instance}: ${t.health} ${t.lastError}`);
            throw new Error(
              `Prometheus targets not all up within ${timeoutMs} ms (${now.length} of ${expected} known):\n${down.join("\n")}`,
            );
          }
          await sleep(100);
        }
      },
      async query(promql) {
        const data = await api<{ resultType: string; result: RawSample[] }>(
          `${url}/api/v1/query?query=${encodeURIComponent(promql)}`,
        );
        if (data.resultType !== "vector") {
          throw new Error(`'${promql}' is a ${data.resultType}, not an instant vector`);
        }
        return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
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

interface RawTarget {
  labels: Record<string, string>;
  health: "up" | "down" | "unknown";
  lastError: string;
}

interface RawSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** `{status, data}` of Prometheus's HTTP API; an error status becomes the error's message. */
async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; data?: T; error?: string };
  if (body.status !== "success" || body.data === undefined) {
    throw new Error(`Prometheus answered ${response.status}: ${body.error ?? "no data"}`);
  }
  return body.data;
}

/** The last few kB of the server's log, for the error of a start that failed. */
function keepTail(child: ChildProcess): () => string {
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-4000);
  });
  return () => log;
}

/** Polls `/-/ready` until it answers 200, failing early if the server exits. */
async function whenReady(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`,
      );
    }
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > until) {
      throw new Error(`prometheus was not ready within ${timeoutMs} ms:\n${log()}`);
    }
    await sleep(50);
  }
}

/** SIGTERM is Prometheus's clean shutdown; SIGKILL if it does not stop. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
