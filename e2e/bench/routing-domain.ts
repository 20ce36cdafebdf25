import { createClient } from "@connectrpc/connect";
import { EdgeRouter, EdgeRouterConf_Action } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import {
  allocatePorts,
  type Domain,
  LOOPBACK,
  ProcessSupervisor,
  type ProcessSpec,
  type Topology,
} from "../src/index.js";
import { type ComputerKind, ROUTED_LAMBDA } from "./processor-sharing-computers.js";
import type { RoutingStage } from "./routing-cases.js";
import { BASELINE, type PolicyUnderTest } from "./routing-policies.js";

/**
 * The processes of one policy in one stage: its own computers and router(s). Every policy gets
 * a copy of the whole setup and all run at the same time, on the same arrivals: machine noise
 * (two cores shared with other work) hits every policy alike, and no policy inherits the queue
 * another one left behind on a shared computer.
 */
export interface PolicyGroup {
  readonly policy: PolicyUnderTest;
  /** Process names of its computers, in the stage's order of computer kinds. */
  readonly computers: readonly string[];
  readonly routers: readonly string[];
}

export interface StageDomain {
  readonly domain: Domain;
  readonly groups: readonly PolicyGroup[];
  /** Policies whose processes did not start (e.g. a table type the built router lacks), and why. */
  readonly failures: ReadonlyMap<string, string>;
}

/** Short process-name prefix of a policy: "least-impedance", "baseline". */
function prefix(policy: PolicyUnderTest): string {
  return policy.name === BASELINE ? "baseline" : policy.name.replace(/[^a-z0-9]+/gi, "-");
}

/** Starts at most this many processes at once: each costs ~0.5 s of CPU on two cores. */
const START_PARALLELISM = 4;

/**
 * Starts every policy's computers (each reading the profile file of its kind) and routers, no
 * controller: the bench installs the routes itself. Routers wait long (`--timeout`) so that a
 * queue, however long, never turns into ejections: latency is what is measured.
 */
export async function launchStage(
  stage: RoutingStage,
  policies: readonly PolicyUnderTest[],
  profilePath: (kind: ComputerKind) => string,
  onStarted: (domain: Domain) => void,
): Promise<StageDomain> {
  const env = { LOG_PRETTY: "0", LOG_LEVEL: "warn" };
  const specs: ProcessSpec[] = [];
  const groups = policies.map((policy): PolicyGroup => {
    const computers = stage.computers.map((kind) => {
      const name = `${prefix(policy)}-${kind.name}`;
      specs.push({
        name,
        binary: "edgecomputer",
        ports: { main: 0 },
        args: (p) => [
          "--server-endpoint",
          p.endpoint(name),
          "--conf",
          `type=file,path=${profilePath(kind)}`,
        ],
        env,
      });
      return name;
    });
    const routers = Array.from({ length: stage.routers }, (_, i) => {
      const name = `${prefix(policy)}-router${stage.routers > 1 ? `-${"ab"[i] ?? i}` : ""}`;
      specs.push({
        name,
        binary: "edgerouter",
        ports: { main: 0, table: 0 },
        args: (p) => [
          "--server-endpoint",
          p.endpoint(name),
          "--configuration-endpoint",
          p.endpoint(name, "table"),
          "--table-conf",
          policy.tableConf,
          "--optimizer-conf",
          policy.optimizerConf,
          "--timeout",
          "120",
        ],
        env,
      });
      return name;
    });
    return { policy, computers, routers };
  });

  const topology: Topology = { host: LOOPBACK, processes: specs };
  const ports = await allocatePorts(topology);
  const supervisor = new ProcessSupervisor(ports, {
    // Processes log at warn and above only: whatever they say matters to the reader.
    onLine: (name, line) => process.stderr.write(`[${name}] ${line}\n`),
    onUnexpectedExit: (name, status) =>
      process.stderr.write(
        `[bench] ${name} exited unexpectedly (${status.signal ?? `code ${status.code}`})\n`,
      ),
  });
  const domain: Domain = {
    topology,
    ports,
    supervisor,
    // In parallel: a stage has up to two dozen processes, each drains and exits on its own.
    stop: async () => {
      await Promise.all(specs.map(({ name }) => supervisor.stop(name)));
      await supervisor.stopAll();
    },
  };
  onStarted(domain);
  const owner = new Map<string, PolicyGroup>();
  for (const group of groups) {
    for (const name of [...group.computers, ...group.routers]) owner.set(name, group);
  }
  const failures = new Map<string, string>();
  const queue = [...specs];
  const starter = async () => {
    for (let spec = queue.shift(); spec !== undefined; spec = queue.shift()) {
      const policy = owner.get(spec.name)?.policy.name ?? spec.name;
      if (failures.has(policy)) continue;
      try {
        await supervisor.start(spec);
      } catch (error) {
        // One policy that cannot start (a bad conf) must not cost the others their run.
        failures.set(policy, error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: START_PARALLELISM }, starter));
  return { domain, groups, failures };
}

/**
 * Installs the routed lambda's routes in a router with Configure: a CHANGE per weight given
 * (weights are costs: weighted random picks with probability ∝ 1/weight), a REMOVE per
 * computer listed in `remove`.
 */
export async function configureRoutes(
  domain: Domain,
  router: string,
  weights: ReadonlyMap<string, number>,
  remove: readonly string[] = [],
): Promise<void> {
  const transport = createTransport(domain.ports.endpoint(router, "table"), {
    defaultTimeoutMs: 5_000,
  });
  try {
    const client = createClient(EdgeRouter, transport);
    const check = (msg: string) => {
      if (msg !== "OK") throw new Error(`Configure of ${router}: ${msg}`);
    };
    for (const [computer, weight] of weights) {
      const { msg } = await client.configure({
        action: EdgeRouterConf_Action.CHANGE,
        lambda: ROUTED_LAMBDA,
        destination: domain.ports.endpoint(computer),
        weight,
        final: true,
      });
      check(msg);
    }
    for (const computer of remove) {
      const { msg } = await client.configure({
        action: EdgeRouterConf_Action.REMOVE,
        lambda: ROUTED_LAMBDA,
        destination: domain.ports.endpoint(computer),
      });
      check(msg);
    }
  } finally {
    transport.close();
  }
}
