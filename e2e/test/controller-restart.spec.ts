import { createClient } from "@connectrpc/connect";
import { EdgeServer, soev1 } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { type Domain, DomainProbe, LOOPBACK, launchDomain, type Topology } from "../src/index.js";

// Issue 13's goal: restart a controller that has no store under steady load with peers that
// announce once: 0 failed invocations and no route lost. A controller without --state-file or
// --store, a router, and an edgecomputer with --lease-ttl 0, which announces once and never
// again (as reference computers do): after the restart only the router's table remembers it.
const LEASE_S = 3;
const LAMBDA = "clambda0"; // the edgecomputer's default profile offers it (reference §5.2)

const topology: Topology = {
  host: LOOPBACK,
  processes: [
    {
      name: "controller",
      binary: "edgecontroller",
      ports: { main: 0 },
      args: (p) => ["--server-endpoint", p.endpoint("controller"), "--lease-ttl", String(LEASE_S)],
    },
    {
      name: "router",
      binary: "edgerouter",
      ports: { main: 0, table: 0 },
      args: (p) => [
        "--server-endpoint",
        p.endpoint("router"),
        "--configuration-endpoint",
        p.endpoint("router", "table"),
        "--controller-endpoint",
        p.endpoint("controller"),
        "--lease-ttl",
        String(LEASE_S),
      ],
    },
    {
      name: "once",
      binary: "edgecomputer",
      ports: { main: 0 },
      args: (p) => [
        "--server-endpoint",
        p.endpoint("once"),
        "--controller-endpoint",
        p.endpoint("controller"),
        "--lease-ttl",
        "0",
      ],
    },
  ],
};

/** Calls the lambda through the router, `concurrency` at a time, until stopped. */
class RouterLoad {
  ok = 0;
  readonly failures: string[] = [];
  readonly #running: Promise<void>[];
  #stopped = false;

  constructor(routerEndpoint: string, concurrency: number) {
    const transport = createTransport(routerEndpoint);
    const client = createClient(EdgeServer, transport);
    const worker = async () => {
      while (!this.#stopped) {
        try {
          const reply = await client.runLambda({ name: LAMBDA, input: "x" }, { timeoutMs: 5_000 });
          if (reply.retcode === "OK") this.ok++;
          else this.failures.push(reply.retcode);
        } catch (error) {
          this.failures.push(String(error));
        }
      }
    };
    this.#running = Array.from({ length: concurrency }, worker);
    this.close = () => transport.close();
  }

  readonly close: () => void;

  async until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#running);
    this.close();
  }
}

let domain: Domain | undefined;
let probe: DomainProbe;
beforeAll(async () => {
  domain = await launchDomain(topology);
  probe = new DomainProbe(domain.ports.endpoint("controller"));
}, 60_000);
afterAll(async () => {
  probe?.close();
  await domain?.stop();
}, 30_000);
afterEach((context) => {
  if (context.task.result?.state === "fail" && domain !== undefined) {
    process.stderr.write(
      `--- last lines of each process ---\n${domain.supervisor.tail.format()}\n`,
    );
  }
});

describe("a controller without a store, restarted", () => {
  test("fails no invocation and loses no route of a computer that announced once", async () => {
    const { ports, supervisor } = domain as Domain;
    const computer = ports.endpoint("once");
    const table = ports.endpoint("router", "table");
    const routedToComputer = async () =>
      (await probe.routerTable(table)).some(
        (r) => r.lambda === LAMBDA && r.destination === computer,
      );
    await probe.until("the computer's route installed", routedToComputer);
    const sync = createClient(soev1.TableSyncService, createTransport(table));
    const before = await sync.getVersion({});

    const load = new RouterLoad(ports.endpoint("router"), 4);
    try {
      await load.until("warm-up", () => load.ok >= 200);
      await supervisor.restart("controller");
      // The new controller knows the computer only from the router's table, and has synced
      // that router itself (its own epoch) with nothing left to send.
      await probe.until(
        "the router re-synced by the new controller",
        async () => {
          const routers = await probe.routers();
          const { held } = await sync.getVersion({});
          return (
            routers.length === 1 &&
            routers[0]?.pendingOperations === 0 &&
            held !== undefined &&
            held.epoch !== "" &&
            held.epoch !== before.held?.epoch
          );
        },
        LEASE_S * 1000 * 3,
      );
      expect((await probe.lambdas()).get(LAMBDA)).toEqual([computer]);
      const okAtResync = load.ok;
      await load.until("load after the re-sync", () => load.ok >= okAtResync + 200);
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
    expect(await routedToComputer()).toBe(true);
  });
});
