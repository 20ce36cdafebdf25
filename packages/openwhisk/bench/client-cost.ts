/**
 * What one OpenWhisk invocation costs the calling process, by HTTP client, in one run: the
 * wsk-computer's call (POST .../actions/copy?blocking=true&result=false&timeout=…, `{"input":
 * "hello"}`) against an openwhisk-mock in a child process, closed loop over keep-alive
 * connections. Variants take turns, round after round, so that noise from other work on the
 * machine falls on all of them; the table gives the median and the range of the rounds, and each
 * variant's CPU per call as a ratio of the client's own.
 *  - client: OpenWhiskClient, as the wsk-computer uses it (undici Pool, keep-alive);
 *  - baseline: another OpenWhiskClient, when BENCH_BASELINE_CLIENT names its module (e.g. an
 *    older commit's src/openwhisk-client.ts, unpacked with `git archive`): before/after, one run;
 *  - node-http, fetch, undici-pool: the bare transports, the same request without the client:
 *    node:http with a keep-alive Agent, Node's global fetch (its bundled undici), and undici's
 *    Pool.request when BENCH_UNDICI names an undici module (e.g. the workspace's
 *    packages/openwhisk/node_modules/undici/index.js); otherwise skipped.
 * Each variant checks every answer (the activation's result is `{"payload":"hello"}`).
 *
 * Run from the repository root:
 *   node --conditions=@soe/source --import tsx packages/openwhisk/bench/client-cost.ts
 * Environment: BENCH_SECONDS (per variant and round, default 2), BENCH_ROUNDS (default 3),
 * BENCH_CONCURRENCY (comma-separated, default "1,32"), BENCH_VARIANTS (comma-separated names, default
 * all). With 2+ CPUs and taskset, the client runs
 * on one CPU and the mock on another.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { OpenWhiskClient } from "../src/openwhisk-client.js";

const GUEST_KEY =
  "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";
const PATH = "/api/v1/namespaces/guest/actions/copy?blocking=true&result=false&timeout=60000";
const PARAMS = { input: "hello" };

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? "1,32").split(",").map(Number);

/** One invocation; resolves with the activation record's result, rejects on any failure. */
type Invoke = () => Promise<unknown>;

interface Variant {
  readonly name: string;
  readonly invoke: Invoke;
  close(): Promise<void> | void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function pin(pid: number, cpu: number): void {
  try {
    execFileSync("taskset", ["-a", "-cp", String(cpu), String(pid)], { stdio: "ignore" });
  } catch {
    // Unpinned figures are noisier, not wrong.
  }
}

async function startMock(port: number): Promise<ChildProcess> {
  const main = fileURLToPath(new URL("../../openwhisk-mock/src/main.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    [
      "--conditions=@soe/source",
      "--import",
      "tsx",
      main,
      "--port",
      String(port),
      "--preload",
      "copy",
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOG_LEVEL: "warn" } },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the mock did not start within 30 s")), 30_000);
    child.once("exit", (code) => reject(new Error(`the mock exited (${code})`)));
    const poll = async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1`);
        await res.arrayBuffer();
        clearTimeout(timer);
        resolve();
      } catch {
        setTimeout(poll, 100);
      }
    };
    void poll();
  });
  child.stdout?.resume();
  return child;
}

function checked(record: unknown): unknown {
  const result = (record as { response?: { result?: { payload?: unknown } } }).response?.result;
  if (result?.payload !== "hello") throw new Error(`unexpected answer ${JSON.stringify(record)}`);
  return record;
}

type ClientClass = new (options: {
  apiRoot: string;
  auth: string;
}) => Pick<OpenWhiskClient, "invoke" | "close">;

function clientVariant(
  root: string,
  name = "client",
  Client: ClientClass = OpenWhiskClient,
): Variant {
  const client = new Client({ apiRoot: root, auth: GUEST_KEY });
  return {
    name,
    invoke: async () => {
      const outcome = await client.invoke("/guest/copy", PARAMS, {
        blocking: true,
        result: false,
        waitMs: 60_000,
        timeoutMs: 65_000,
      });
      if (outcome.kind !== "activation") throw new Error(`unexpected outcome ${outcome.kind}`);
      return checked(outcome.body);
    },
    close: () => client.close(),
  };
}

const HEADERS = {
  accept: "application/json",
  authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
  "content-type": "application/json",
  "user-agent": "soe-openwhisk",
};

function fetchVariant(root: string): Variant {
  return {
    name: "fetch",
    invoke: async () => {
      const response = await fetch(root + PATH, {
        method: "POST",
        headers: HEADERS,
        body: JSON.stringify(PARAMS),
        signal: AbortSignal.timeout(65_000),
      });
      return checked(JSON.parse(await response.text()));
    },
    close: () => undefined,
  };
}

/** The bare transport the client used before undici: node:http with a keep-alive Agent. */
function nodeHttpVariant(root: string): Variant {
  const agent = new Agent({ keepAlive: true, maxSockets: 64, scheduling: "lifo" });
  const { hostname, port } = new URL(root);
  return {
    name: "node-http",
    invoke: () =>
      new Promise((resolve, reject) => {
        const payload = Buffer.from(JSON.stringify(PARAMS));
        const req = httpRequest(
          {
            hostname,
            port,
            method: "POST",
            path: PATH,
            agent,
            headers: { ...HEADERS, "content-length": payload.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
              try {
                resolve(checked(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
              } catch (error) {
                reject(error);
              }
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

interface UndiciPool {
  request(options: object): Promise<{ statusCode: number; body: { text(): Promise<string> } }>;
  close(): Promise<void>;
}

async function undiciVariant(root: string): Promise<Variant | undefined> {
  const module = process.env.BENCH_UNDICI;
  if (module === undefined || module === "") return undefined;
  const { Pool } = (await import(module)) as {
    Pool: new (origin: string, options: object) => UndiciPool;
  };
  const pool = new Pool(root, { connections: 64, headersTimeout: 65_000, bodyTimeout: 65_000 });
  return {
    name: "undici-pool",
    invoke: async () => {
      const response = await pool.request({
        method: "POST",
        path: PATH,
        headers: HEADERS,
        body: JSON.stringify(PARAMS),
      });
      return checked(JSON.parse(await response.body.text()));
    },
    close: () => pool.close(),
  };
}

/** Closed loop: `concurrency` callers, each starting its next call when the last one ends. */
async function measure(
  variant: Variant,
  concurrency: number,
  ms: number,
): Promise<{ calls: number; cpuUsPerCall: number; perSecond: number }> {
  // A short warm-up per turn: sockets open, code optimised for this variant again.
  await loop(variant.invoke, concurrency, Math.min(500, ms / 4));
  const cpu = process.cpuUsage();
  const began = performance.now();
  const calls = await loop(variant.invoke, concurrency, ms);
  const elapsed = performance.now() - began;
  const used = process.cpuUsage(cpu);
  return {
    calls,
    cpuUsPerCall: (used.user + used.system) / calls,
    perSecond: (calls * 1000) / elapsed,
  };
}

async function loop(invoke: Invoke, concurrency: number, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let calls = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await invoke();
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return calls;
}

function summary(values: number[], digits = 0): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const low = sorted[0] ?? Number.NaN;
  const high = sorted.at(-1) ?? Number.NaN;
  return `${median.toFixed(digits)} (${low.toFixed(digits)}–${high.toFixed(digits)})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const port = await freePort();
const root = `http://127.0.0.1:${port}`;
const mock = await startMock(port);
const twoCpus = availableParallelism() >= 2;
if (twoCpus && mock.pid !== undefined) {
  pin(mock.pid, 0);
  pin(process.pid, 1);
}
const undici = await undiciVariant(root);
if (undici === undefined) console.log("undici-pool skipped: set BENCH_UNDICI to an undici module");
const baseline = process.env.BENCH_BASELINE_CLIENT;
const baselineVariant =
  baseline === undefined || baseline === ""
    ? []
    : [
        clientVariant(
          root,
          "baseline",
          ((await import(baseline)) as { OpenWhiskClient: ClientClass }).OpenWhiskClient,
        ),
      ];
const only = process.env.BENCH_VARIANTS?.split(",");
const variants = [
  clientVariant(root),
  ...baselineVariant,
  nodeHttpVariant(root),
  fetchVariant(root),
  ...(undici ? [undici] : []),
].filter((variant) => only === undefined || only.includes(variant.name));

try {
  console.log(
    `OpenWhisk client cost, node ${process.version}, ${rounds} rounds × ${seconds} s per variant,` +
      ` ${twoCpus ? "client on CPU 1, mock on CPU 0" : "unpinned"}; median (range)`,
  );
  for (const concurrency of concurrencies) {
    const cpu = new Map<string, number[]>();
    const rate = new Map<string, number[]>();
    for (let round = 0; round < rounds; round += 1) {
      for (const variant of variants) {
        const result = await measure(variant, concurrency, seconds * 1000);
        cpu.set(variant.name, [...(cpu.get(variant.name) ?? []), result.cpuUsPerCall]);
        rate.set(variant.name, [...(rate.get(variant.name) ?? []), result.perSecond]);
      }
    }
    const reference = median(cpu.get("client") ?? []);
    console.log(`\nc=${concurrency}`);
    console.log("variant        client CPU µs/call      calls/s                 CPU vs client");
    for (const variant of variants) {
      const cpus = cpu.get(variant.name) ?? [];
      console.log(
        `${variant.name.padEnd(15)}${summary(cpus).padEnd(24)}${summary(rate.get(variant.name) ?? []).padEnd(24)}` +
          `${(median(cpus) / reference).toFixed(2)}×`,
      );
    }
  }
} finally {
  for (const variant of variants) await variant.close();
  mock.kill("SIGTERM");
}
