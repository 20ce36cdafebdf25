import { processRssBytes } from "@soe/bench";
import { createClient } from "@connectrpc/connect";
import { GUEST_KEY } from "@soe/openwhisk-mock";
import { EdgeServer } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import {
  type CaseOutcome,
  type FuzzTarget,
  type HostileCase,
  HostileRunner,
  hostileCases,
  type OutcomeRules,
  regressionCorpus,
  ruleBroken,
  serveRules,
} from "@soe/testing";
import openwhisk from "openwhisk";
import { COPY_LAMBDA, NATIVE_LAMBDA, SEED, type SeedScenario } from "../../src/index.js";

/** One port of the seed scenario under attack: where it is, what it serves, what it may answer. */
export interface HostilePort {
  readonly name: string;
  /** The process that owns the port. */
  readonly process: string;
  readonly host: string;
  readonly port: number;
  readonly target: FuzzTarget;
  readonly rules: OutcomeRules;
}

const rpc = (service: string, ...methods: string[]) => methods.map((m) => `/${service}/${m}`);
const guestAuth = { authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}` };
// Not `copy`: the inputs carry the guest key, so a PUT or DELETE among them really replaces or
// deletes the action, and the valid traffic that invokes `copy` would then fail for a reason
// that is no defect (the soak's only failed valid calls were such 404s).
const openWhiskPaths = [
  "/api/v1",
  "/api/v1/namespaces",
  "/api/v1/namespaces/guest/actions/fuzzed",
  "/api/v1/namespaces/_/actions/fuzzed",
  "/api/v1/namespaces/guest/actions",
  "/api/v1/namespaces/guest/activations",
  "/api/v1/namespaces/guest/packages",
];

/**
 * OpenWhisk's answers at the HTTP edge (openwhisk-api.md): the runtime's, plus 401/403 for
 * credentials and namespaces, 409 for conflicts, 502 only with the activation record of an
 * action that failed (OpenWhisk's "application error"), 503 while the domain cannot reach an
 * installation.
 */
const openWhiskRules: OutcomeRules = {
  httpStatuses: new Set([...serveRules.httpStatuses, 202, 401, 403, 409, 503]),
  grpcStatuses: serveRules.grpcStatuses,
  allows5xx: (o) => o.status === 502 && o.body.includes('"activationId"'),
};

/** Every port of the seed scenario, each with the procedures or paths it serves. */
export function seedPorts(s: SeedScenario): HostilePort[] {
  const at = (
    name: string,
    process: string,
    target: FuzzTarget,
    rules = serveRules,
    role = "main",
  ) => ({
    name,
    process,
    host: s.ports.host,
    port: s.ports.port(process, role),
    target,
    rules,
  });
  const lambda = { procedures: rpc("uiiit.rpc.EdgeServer", "RunLambda"), httpPaths: [] };
  return [
    at("controller", SEED.controller, {
      procedures: [
        ...rpc(
          "uiiit.rpc.EdgeController",
          "AnnounceComputer",
          "AnnounceRouter",
          "RemoveComputer",
          "RemoveRouter",
        ),
        ...rpc("soe.v1.ControllerQueryService", "ListComputers", "ListRouters", "ListLambdas"),
      ],
      httpPaths: [],
    }),
    at("router lambdas", SEED.router, lambda),
    at(
      "router table",
      SEED.router,
      {
        procedures: rpc("uiiit.rpc.EdgeRouter", "Configure", "GetTable", "GetNumTables"),
        httpPaths: [],
      },
      serveRules,
      "table",
    ),
    at("computer", SEED.computer, {
      procedures: [...lambda.procedures, ...rpc("uiiit.rpc.EdgeComputer", "StreamUtil")],
      httpPaths: [],
    }),
    at("wsk-computer", SEED.wsk1, lambda),
    at(
      "proxy",
      SEED.proxy,
      { procedures: [], httpPaths: openWhiskPaths, headers: guestAuth },
      openWhiskRules,
    ),
    at(
      "OpenWhisk mock",
      SEED.ow1,
      { procedures: [], httpPaths: openWhiskPaths, headers: guestAuth },
      openWhiskRules,
    ),
  ];
}

export interface AttackReport {
  readonly cases: number;
  /** `label: why`, for every outcome that broke the port's rules. */
  readonly violations: string[];
  /** Outcomes by kind, result and status, for the report. */
  readonly tally: ReadonlyMap<string, number>;
}

/**
 * Runs `cases` against a port in batches, `concurrency` at a time, calling `between` after
 * each batch.
 */
export async function attack(
  port: HostilePort,
  cases: readonly HostileCase[],
  between: () => Promise<void>,
  batch = 400,
  concurrency = 8,
): Promise<AttackReport> {
  const runner = new HostileRunner({ host: port.host, port: port.port });
  const violations: string[] = [];
  const tally = new Map<string, number>();
  try {
    for (let start = 0; start < cases.length; start += batch) {
      const slice = cases.slice(start, start + batch);
      const outcomes = await runner.runAll(slice, concurrency);
      slice.forEach((c, i) => {
        const outcome = outcomes[i] as CaseOutcome;
        const key = `${outcome.kind} ${outcome.result} ${outcome.status ?? "-"}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        const why = ruleBroken(c, outcome, port.rules);
        if (why !== undefined) violations.push(`${port.name} ${c.label}: ${why}`);
      });
      await between();
    }
  } finally {
    runner.close();
  }
  return { cases: cases.length, violations, tally };
}

/** The regression corpus and `count` seeded inputs for a port. */
export function casesFor(port: HostilePort, seed: string, count: number): HostileCase[] {
  const procedure = port.target.procedures[0];
  const corpus =
    procedure === undefined
      ? regressionCorpus("/api/v1/namespaces/guest/actions/fuzzed")
      : regressionCorpus(procedure);
  return [...corpus, ...hostileCases(port.target, `${seed}:${port.name}`, count)];
}

/**
 * Valid work through the whole domain: /guest/copy through the proxy (OpenWhisk client) and
 * the native lambda through the router. Counts what failed instead of throwing, so a soak can
 * report it.
 */
export class ValidTraffic {
  readonly #transport: EndpointTransport;
  readonly #ow: ReturnType<typeof openwhisk>;
  ok = 0;
  failed: string[] = [];

  constructor(s: SeedScenario) {
    this.#transport = createTransport(s.routerEndpoint, { defaultTimeoutMs: 10_000 });
    this.#ow = openwhisk({ apihost: s.proxyUrl, api_key: GUEST_KEY });
  }

  async once(): Promise<void> {
    try {
      const result = await this.#ow.actions.invoke({
        name: COPY_LAMBDA,
        blocking: true,
        result: true,
        params: { input: "valid" },
      });
      this.#count(
        JSON.stringify(result) === '{"payload":"valid"}',
        `copy: ${JSON.stringify(result)}`,
      );
    } catch (error) {
      this.#count(false, `copy: ${String(error)}`);
    }
    try {
      const reply = await createClient(EdgeServer, this.#transport).runLambda({
        name: NATIVE_LAMBDA,
        input: "valid",
      });
      this.#count(reply.retcode === "OK", `${NATIVE_LAMBDA}: ${reply.retcode}`);
    } catch (error) {
      this.#count(false, `${NATIVE_LAMBDA}: ${String(error)}`);
    }
  }

  close(): void {
    this.#transport.close();
  }

  #count(ok: boolean, failure: string): void {
    if (ok) this.ok++;
    else this.failed.push(failure);
  }
}

/** RSS in MB of each process of the scenario, by name (undefined once a process is gone). */
export function rssMb(s: SeedScenario): Map<string, number | undefined> {
  const rss = new Map<string, number | undefined>();
  for (const name of Object.values(SEED)) {
    const pid = s.supervisor.pid(name);
    let mb: number | undefined;
    try {
      mb = pid === undefined ? undefined : processRssBytes(pid) / (1024 * 1024);
    } catch {
      mb = undefined;
    }
    rss.set(name, mb);
  }
  return rss;
}
