import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PostgresServer, startPostgresServer } from "@soe/testing";
import {
  COPY_LAMBDA,
  type Domain,
  DomainProbe,
  GUEST_KEY,
  LOOPBACK,
  launchDomain,
  type PortBook,
  type ProcessSpec,
  type Topology,
  baseEnv,
} from "../src/index.js";

/** Process names of the proxy bench's domain: the log prefixes and the keys of its PortBook. */
export const PROXY_DOMAIN = {
  controller: "controller",
  router: "router",
  openwhisk: "openwhisk-mock",
  wsk: "wsk-computer",
  proxy: "proxy",
  /** The mocks of the other two variants: each variant has its own (see proxyTopology). */
  openwhiskDirect: "openwhisk-direct",
  openwhiskChain: "openwhisk-chain",
} as const;

/**
 * The full OpenWhisk path of the seed scenario with one of each: proxy → router → wsk-computer
 * → openwhisk-mock, and a controller that installs the route from the wsk-computer's real
 * announcement. Every process on a free loopback port, at its default log level (info: no
 * line per call). Two more mocks, one for the direct calls and one at the end of the forwarder
 * chain: the mock keeps state (activations, and V8 contexts it collects late, hundreds of MB), so
 * a shared one would serve each variant in a different state; with one each, every mock sees the
 * same sequence of runs.
 */
export function proxyTopology(activationStore = "memory"): Topology {
  const n = PROXY_DOMAIN;
  const env = { LOG_PRETTY: "0" };
  const controller = (p: PortBook) => ["--controller-endpoint", p.endpoint(n.controller)];
  const mock = (name: string): ProcessSpec => ({
    name,
    binary: "openwhisk-mock",
    ports: { main: 0 },
    args: (p) => ["--host", p.host, "--port", String(p.port(name)), "--preload", "copy"],
    env,
  });
  return {
    host: LOOPBACK,
    processes: [
      {
        name: n.controller,
        binary: "edgecontroller",
        ports: { main: 0 },
        args: (p) => ["--server-endpoint", p.endpoint(n.controller)],
        env,
      },
      {
        name: n.router,
        binary: "edgerouter",
        ports: { main: 0, table: 0 },
        args: (p) => [
          "--server-endpoint",
          p.endpoint(n.router),
          "--configuration-endpoint",
          p.endpoint(n.router, "table"),
          ...controller(p),
        ],
        env,
      },
      mock(n.openwhisk),
      {
        name: n.wsk,
        binary: "edgecomputerwsk",
        ports: { main: 0 },
        args: (p) => [
          "--server-endpoint",
          p.endpoint(n.wsk),
          ...controller(p),
          "--wsk-api-root",
          p.url(n.openwhisk),
        ],
        // The key goes through the environment, as in the seed scenario: argv is public.
        env: { ...env, SOE_WSK_AUTH: GUEST_KEY },
      },
      {
        name: n.proxy,
        binary: "wskproxy",
        ports: { main: 0 },
        args: (p) => [
          "--wsk-api-root",
          p.url(n.proxy),
          "--server-endpoint",
          p.endpoint(n.router),
          ...controller(p),
        ],
        // Through the environment: a postgres:// URL holds a password.
        env: { ...env, SOE_WSKPROXY_ACTIVATION_STORE: activationStore },
      },
      mock(n.openwhiskDirect),
      mock(n.openwhiskChain),
    ],
  };
}

/**
 * BENCH_STORE: the proxy's activation store, to measure what each costs per call (issue 11):
 * memory (default), sqlite (a file in a temporary folder) or postgres (a real server started
 * here, from Debian's binaries, on a loopback port).
 */
async function openBenchStore(): Promise<{ url: string; close(): Promise<void> }> {
  const kind = process.env.BENCH_STORE ?? "memory";
  switch (kind) {
    case "memory":
      return { url: "memory", close: async () => {} };
    case "sqlite": {
      const dir = mkdtempSync(join(tmpdir(), "soe-bench-store-"));
      return {
        url: `sqlite:${join(dir, "activations.db")}`,
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case "postgres": {
      const server: PostgresServer = await startPostgresServer();
      return { url: server.url, close: () => server.close() };
    }
    default:
      throw new Error(`BENCH_STORE must be memory, sqlite or postgres, not "${kind}"`);
  }
}

/** Starts the domain and waits until the router routes `copy` to the wsk-computer. */
export async function startProxyDomain(
  onStarted: (domain: Domain) => void,
  /** Added to every process's environment (BENCH_TRACING=on: the OTEL_* variables). */
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<Domain> {
  const store = await openBenchStore();
  process.stderr.write(`[bench] activation store: ${process.env.BENCH_STORE ?? "memory"}\n`);
  let launched: Domain;
  try {
    launched = await launchDomain(proxyTopology(store.url), {
      env: { ...baseEnv(), ...extraEnv },
      onUnexpectedExit: (name, status) =>
        process.stderr.write(
          `[bench] ${name} exited unexpectedly (${status.signal ?? `code ${status.code}`})\n`,
        ),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  // The store outlives the processes that write to it.
  const domain: Domain = {
    topology: launched.topology,
    ports: launched.ports,
    supervisor: launched.supervisor,
    async stop() {
      try {
        await launched.stop();
      } finally {
        await store.close();
      }
    },
  };
  onStarted(domain);
  const { ports } = domain;
  const probe = new DomainProbe(ports.endpoint(PROXY_DOMAIN.controller));
  try {
    await probe.until("the route of copy installed in the router", async () => {
      const rows = await probe.routerTable(ports.endpoint(PROXY_DOMAIN.router, "table"));
      return rows.some(
        (r) =>
          r.table === 0 &&
          r.lambda === COPY_LAMBDA &&
          r.destination === ports.endpoint(PROXY_DOMAIN.wsk),
      );
    });
  } catch (error) {
    const tails = domain.topology.processes
      .map(({ name }) => domain.supervisor.tail.lines(name).slice(-5).join("\n"))
      .join("\n");
    throw new Error(`${(error as Error).message}\n${tails}`);
  } finally {
    probe.close();
  }
  return domain;
}
