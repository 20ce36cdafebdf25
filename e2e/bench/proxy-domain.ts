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
export function proxyTopology(): Topology {
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
        env,
      },
      mock(n.openwhiskDirect),
      mock(n.openwhiskChain),
    ],
  };
}

/** Starts the domain and waits until the router routes `copy` to the wsk-computer. */
export async function startProxyDomain(onStarted: (domain: Domain) => void): Promise<Domain> {
  const domain = await launchDomain(proxyTopology(), {
    onUnexpectedExit: (name, status) =>
      process.stderr.write(
        `[bench] ${name} exited unexpectedly (${status.signal ?? `code ${status.code}`})\n`,
      ),
  });
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
