import { GUEST_KEY } from "@soe/openwhisk-mock";
import { envPrefix } from "@soe/runtime";
import { type Domain, type LaunchOptions, launchDomain } from "./domain-launcher.js";
import { DomainProbe } from "./domain-probe.js";
import { LOOPBACK } from "./ports.js";
import type { PortBook, ProcessSpec, Topology } from "./topology.js";

/**
 * The scenario of the seed document (reference/openwhisk_integration.md, reference §6.5) on one
 * machine: an OpenWhisk client reaches two OpenWhisk servers holding `copy` through the proxy,
 * a router and two wsk-computers; a simulated computer serves `clambda0` through the same router
 * (the seed's "mix of OpenWhisk and non-OpenWhisk traffic").
 */

export { GUEST_KEY };

/** Process names: the log prefixes, and the keys of `PortBook`. */
export const SEED = {
  controller: "controller",
  router: "router",
  ow1: "OW1",
  ow2: "OW2",
  wsk1: "wsk1",
  wsk2: "wsk2",
  computer: "computer",
  proxy: "proxy",
} as const;

/** The edge console's process name, when the scenario starts it (`console: true`). */
export const CONSOLE = "console";

/** The OpenWhisk action of the seed document, and the simulated lambda of reference §8.2. */
export const COPY_LAMBDA = "/guest/copy";
export const NATIVE_LAMBDA = "clambda0";

/**
 * `pnpm dev`'s ports: the reference's defaults (reference §0.2) and the seed document's
 * (wsk-computers on 10000/10001, the proxy on 20000); the computer's reference default (6473)
 * is the router's, and example.md's utilization port 20000 is the proxy's, so the computer takes
 * the next lambda port and serves its utilization stream on it. The mocks use OpenWhisk
 * standalone's 3233 and the port after it.
 */
export const DEV_PORTS = {
  controller: 6475,
  router: 6473,
  routerTable: 6474,
  ow1: 3233,
  ow2: 3234,
  wsk1: 10000,
  wsk2: 10001,
  computer: 10002,
  proxy: 20000,
  console: 6480,
} as const;

export interface SeedScenarioOptions {
  /** `dev`: DEV_PORTS; `free`: any free loopback ports (tests, several domains at once). */
  readonly ports: "dev" | "free";
  /** Every lease in the domain, seconds (DESIGN §4: 15 by default; tests shorten it). */
  readonly leaseTtlSeconds?: number;
  /** How often the wsk-computers list their OpenWhisk's actions, seconds (reference: 1). */
  readonly listerPeriodSeconds?: number;
  /** LOG_PRETTY for every process (pino-pretty lines instead of JSON). */
  readonly prettyLogs?: boolean;
  /** LOG_LEVEL of the proxy alone: at debug it logs where each invocation went (reference §9). */
  readonly proxyLogLevel?: string;
  /** A control-plane token every announcement and Configure must carry (DESIGN §5). */
  readonly token?: string;
  /** How often the controller converges every OpenWhisk installation to the desired state, seconds (default: the controller's). */
  readonly reconcilePeriodSeconds?: number;
  /** Labels each wsk-computer `installation=<its OpenWhisk's name>` (`--labels`). */
  readonly labelInstallations?: boolean;
  /** Starts the edge console too, last (`pnpm dev`, the console's browser test). */
  readonly console?: boolean;
}

/** What every process spec of a seed-like domain shares: fixed or free ports, leases, token, logs. */
interface SpecContext {
  readonly fixed: boolean;
  readonly lease: string;
  readonly listerPeriod: string;
  readonly env: Readonly<Record<string, string>>;
  readonly token: string | undefined;
  /** The controller's end-point, once ports are known. */
  readonly controllerEndpoint: (p: PortBook) => string;
}

function specContext(options: SeedScenarioOptions, controllerEndpoint: (p: PortBook) => string) {
  return {
    fixed: options.ports === "dev",
    lease: String(options.leaseTtlSeconds ?? 15),
    listerPeriod: String(options.listerPeriodSeconds ?? 1),
    env: { LOG_PRETTY: options.prettyLogs ? "1" : "0" },
    token: options.token,
    controllerEndpoint,
  } satisfies SpecContext;
}

// Through the environment, like the guest key: argv is visible to every `ps`.
function envWithToken(ctx: SpecContext, binary: string): Readonly<Record<string, string>> {
  return ctx.token === undefined
    ? ctx.env
    : { ...ctx.env, [`${envPrefix(binary)}TOKEN`]: ctx.token };
}

function mockSpec(ctx: SpecContext, name: string, port: number, preload: boolean): ProcessSpec {
  return {
    name,
    binary: "openwhisk-mock",
    ports: { main: port },
    args: (p) => [
      "--host",
      p.host,
      "--port",
      String(p.port(name)),
      ...(preload ? ["--preload", "copy"] : []),
    ],
    env: ctx.env,
  };
}

// The guest key goes through the environment, not argv, where every `ps` would show it.
function wskComputerSpec(
  ctx: SpecContext,
  name: string,
  port: number,
  openwhisk: string,
  labels: string | undefined,
): ProcessSpec {
  return {
    name,
    binary: "edgecomputerwsk",
    ports: { main: port },
    args: (p) => [
      "--server-endpoint",
      p.endpoint(name),
      "--controller-endpoint",
      ctx.controllerEndpoint(p),
      "--wsk-api-root",
      p.url(openwhisk),
      // The responder in every response, and in the proxy's log lines, as in the seed document.
      "--name",
      openwhisk,
      "--lease-ttl",
      ctx.lease,
      "--lister-period",
      ctx.listerPeriod,
      ...(labels === undefined ? [] : ["--labels", labels]),
    ],
    env: { ...envWithToken(ctx, "edgecomputerwsk"), SOE_EDGECOMPUTERWSK_WSK_AUTH: GUEST_KEY },
  };
}

/**
 * One more OpenWhisk installation for a running domain: a mock (`<name>-ow`, empty, or holding
 * `copy` with `preload`) and its wsk-computer `<name>` labelled `installation=<name>-ow`,
 * announcing to `controllerEndpoint`. Launched after the domain, as an installation joining late.
 */
export function installationTopology(
  name: string,
  controllerEndpoint: string,
  options: Omit<SeedScenarioOptions, "ports"> & { readonly preload?: boolean },
): Topology {
  const ctx = specContext({ ...options, ports: "free" }, () => controllerEndpoint);
  const openwhisk = `${name}-ow`;
  return {
    host: LOOPBACK,
    processes: [
      mockSpec(ctx, openwhisk, 0, options.preload ?? false),
      wskComputerSpec(ctx, name, 0, openwhisk, `installation=${openwhisk}`),
    ],
  };
}

export function seedTopology(options: SeedScenarioOptions): Topology {
  const ctx = specContext(options, (p) => p.endpoint(SEED.controller));
  const port = (name: keyof typeof DEV_PORTS) => (ctx.fixed ? DEV_PORTS[name] : 0);
  const { lease } = ctx;
  const withToken = (binary: string) => envWithToken(ctx, binary);
  const controller = (p: PortBook) => ["--controller-endpoint", p.endpoint(SEED.controller)];
  // Placement annotations (`soe-placement`) select installations by these labels.
  const wskComputer = (name: string, key: "wsk1" | "wsk2", openwhisk: string) =>
    wskComputerSpec(
      ctx,
      name,
      port(key),
      openwhisk,
      options.labelInstallations ? `installation=${openwhisk}` : undefined,
    );
  const mock = (name: string, key: "ow1" | "ow2") => mockSpec(ctx, name, port(key), true);

  return {
    host: LOOPBACK,
    processes: [
      {
        name: SEED.controller,
        binary: "edgecontroller",
        ports: { main: port("controller") },
        args: (p) => [
          "--server-endpoint",
          p.endpoint(SEED.controller),
          "--lease-ttl",
          lease,
          ...(options.reconcilePeriodSeconds === undefined
            ? []
            : ["--reconcile-interval", String(options.reconcilePeriodSeconds)]),
        ],
        env: withToken("edgecontroller"),
      },
      {
        name: SEED.router,
        binary: "edgerouter",
        ports: { main: port("router"), table: port("routerTable") },
        args: (p) => [
          "--server-endpoint",
          p.endpoint(SEED.router),
          "--configuration-endpoint",
          p.endpoint(SEED.router, "table"),
          ...controller(p),
          "--lease-ttl",
          lease,
        ],
        env: withToken("edgerouter"),
      },
      mock(SEED.ow1, "ow1"),
      mock(SEED.ow2, "ow2"),
      wskComputer(SEED.wsk1, "wsk1", SEED.ow1),
      wskComputer(SEED.wsk2, "wsk2", SEED.ow2),
      {
        name: SEED.computer,
        binary: "edgecomputer",
        ports: { main: port("computer") },
        // The default profile (raspberry) offers clambda0 and glambda0 (reference §5.2).
        args: (p) => [
          "--server-endpoint",
          p.endpoint(SEED.computer),
          ...controller(p),
          "--lease-ttl",
          lease,
        ],
        env: withToken("edgecomputer"),
      },
      {
        name: SEED.proxy,
        binary: "wskproxy",
        ports: { main: port("proxy") },
        args: (p) => [
          "--wsk-api-root",
          p.url(SEED.proxy),
          "--server-endpoint",
          p.endpoint(SEED.router),
          ...controller(p),
        ],
        // The token opens the controller's DeploymentService (deploying through the proxy).
        env: {
          ...withToken("wskproxy"),
          ...(options.proxyLogLevel === undefined ? {} : { LOG_LEVEL: options.proxyLogLevel }),
        },
      },
      ...(options.console ? [consoleSpec(ctx, port("console"))] : []),
    ],
  };
}

// Read-only: the token only lets it list installations and their drift.
function consoleSpec(ctx: SpecContext, port: number): ProcessSpec {
  return {
    name: CONSOLE,
    binary: "edgeconsole",
    ports: { main: port },
    args: (p) => [
      "--server-endpoint",
      p.endpoint(CONSOLE),
      "--controller-endpoint",
      ctx.controllerEndpoint(p),
    ],
    env: envWithToken(ctx, "edgeconsole"),
  };
}

/** The seed scenario, running: its processes and a probe on its control plane. */
export interface SeedScenario extends Domain {
  readonly probe: DomainProbe;
  /** `http://127.0.0.1:<port>`: the OpenWhisk API root clients use. */
  readonly proxyUrl: string;
  /** The router's lambda end-point, for native clients (edgeclient). */
  readonly routerEndpoint: string;
  /** Resolves once every route of the scenario is installed in the router. */
  waitForRoutes(timeoutMs?: number, signal?: AbortSignal): Promise<void>;
}

/** Starts the processes, then waits until the router routes `copy` and `clambda0` everywhere. */
export async function startSeedScenario(
  options: SeedScenarioOptions,
  launch: LaunchOptions = {},
): Promise<SeedScenario> {
  const domain = await launchDomain(seedTopology(options), launch);
  const { ports } = domain;
  const probe = new DomainProbe(ports.endpoint(SEED.controller));
  const scenario: SeedScenario = {
    ...domain,
    probe,
    proxyUrl: ports.url(SEED.proxy),
    routerEndpoint: ports.endpoint(SEED.router),
    waitForRoutes: (timeoutMs, signal) => waitForSeedRoutes(ports, probe, timeoutMs, signal),
    stop: async () => {
      probe.close();
      await domain.stop();
    },
  };
  try {
    await scenario.waitForRoutes(undefined, launch.signal);
  } catch (error) {
    await scenario.stop();
    throw error;
  }
  return scenario;
}

/** The routes the scenario must have: lambda → destinations, as end-points. */
export function seedRoutes(ports: PortBook): Map<string, string[]> {
  return new Map([
    [COPY_LAMBDA, [ports.endpoint(SEED.wsk1), ports.endpoint(SEED.wsk2)].sort()],
    [NATIVE_LAMBDA, [ports.endpoint(SEED.computer)]],
  ]);
}

/**
 * Ready means: the controller knows every computer and the router, and the router's overall
 * table (table 0) holds exactly the expected destinations of each lambda.
 */
async function waitForSeedRoutes(
  ports: PortBook,
  probe: DomainProbe,
  timeoutMs = 30_000,
  signal?: AbortSignal,
) {
  const expected = seedRoutes(ports);
  await probe.until(
    "every route of the seed scenario installed",
    async () => {
      const lambdas = await probe.lambdas();
      const routers = await probe.routers();
      if (!routers.some((r) => r.lambdaEndpoint === ports.endpoint(SEED.router))) return false;
      const rows = await probe.routerTable(ports.endpoint(SEED.router, "table"));
      for (const [lambda, destinations] of expected) {
        if (lambdas.get(lambda)?.join() !== destinations.join()) return false;
        const routed = rows.filter((r) => r.table === 0 && r.lambda === lambda);
        if (
          routed
            .map((r) => r.destination)
            .sort()
            .join() !== destinations.join()
        )
          return false;
      }
      return true;
    },
    timeoutMs,
    signal,
  );
}
