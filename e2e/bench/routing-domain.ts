import { createClient } from "@connectrpc/connect";
import { EdgeRouter, EdgeRouterConf_Action } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { type Domain, LOOPBACK, launchDomain, type ProcessSpec } from "../src/index.js";
import { type ComputerModel, ROUTED_LAMBDA } from "./simulated-computers.js";

/** A routing policy under test: the router's `--table-conf` and `--optimizer-conf`. */
export interface PolicyUnderTest {
  readonly name: string;
  readonly tableConf: string;
  readonly optimizerConf: string;
  /**
   * The weight installed for each computer: weights are costs (P ∝ 1/w for random), so the
   * oracle installs 1/capacity; the learning policies start from 1, as the controller installs.
   */
  readonly weight: (computer: ComputerModel) => number;
}

/** Log prefix and PortBook key of a policy's router. */
export function routerName(policy: PolicyUnderTest): string {
  return `router-${policy.name.replace(/[^a-z0-9]+/gi, "-").replace(/-$/, "")}`;
}

/**
 * Two simulated computers (each reading its profile file) and one router per policy, no
 * controller: the bench installs each router's routes itself. Routers wait long (`--timeout`)
 * so that a queue, however long, never turns into ejections: latency is what is measured.
 */
export function launchRoutingDomain(
  computers: readonly { model: ComputerModel; profilePath: string }[],
  policies: readonly PolicyUnderTest[],
  onStarted: (domain: Domain) => void,
): Promise<Domain> {
  const env = { LOG_PRETTY: "0", LOG_LEVEL: "warn" };
  const computerSpecs = computers.map(
    ({ model, profilePath }): ProcessSpec => ({
      name: model.name,
      binary: "edgecomputer",
      ports: { main: 0 },
      args: (p) => [
        "--server-endpoint",
        p.endpoint(model.name),
        "--conf",
        `type=file,path=${profilePath}`,
      ],
      env,
    }),
  );
  const routerSpecs = policies.map((policy): ProcessSpec => {
    const name = routerName(policy);
    return {
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
    };
  });
  const started = launchDomain(
    { host: LOOPBACK, processes: [...computerSpecs, ...routerSpecs] },
    {
      onUnexpectedExit: (name, status) =>
        process.stderr.write(
          `[bench] ${name} exited unexpectedly (${status.signal ?? `code ${status.code}`})\n`,
        ),
    },
  );
  return started.then((domain) => {
    onStarted(domain);
    return domain;
  });
}

/** Installs the lambda's route to every computer in the policy's router, with Configure. */
export async function installRoutes(
  domain: Domain,
  policy: PolicyUnderTest,
  computers: readonly ComputerModel[],
): Promise<void> {
  const transport = createTransport(domain.ports.endpoint(routerName(policy), "table"), {
    defaultTimeoutMs: 2_000,
  });
  try {
    const router = createClient(EdgeRouter, transport);
    for (const computer of computers) {
      const { msg } = await router.configure({
        action: EdgeRouterConf_Action.CHANGE,
        lambda: ROUTED_LAMBDA,
        destination: domain.ports.endpoint(computer.name),
        weight: policy.weight(computer),
        final: true,
      });
      if (msg !== "OK") throw new Error(`Configure of ${routerName(policy)}: ${msg}`);
    }
  } finally {
    transport.close();
  }
}
