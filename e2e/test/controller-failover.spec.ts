import { type EtcdServer, startEtcdServer } from "@soe/testing";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  COPY_LAMBDA,
  type Domain,
  DomainProbe,
  installationTopology,
  launchDomain,
  type PortBook,
  type ProcessSpec,
  SEED,
  seedRoutes,
  seedTopology,
  type Topology,
} from "../src/index.js";
import { describe as summary, SteadyLoad } from "./support/steady-load.js";

// Issue 13's goal: kill the etcd-backed leader controller under steady load: no invocation
// fails, the standby leads, and a computer announced afterwards is installed within one lease.
// The seed scenario with two controllers sharing a three-member etcd cluster (each controller
// given every member); every peer is given both controllers.
const LEASE_S = 3;
const LEADER_LEASE_S = 2;
const SECOND = "controller2";
const CONTROLLERS = [SEED.controller, SECOND] as const;

/** The seed topology with a second controller, both on `--store`, and every peer given both. */
function failoverTopology(store: string): Topology {
  const seed = seedTopology({ ports: "free", leaseTtlSeconds: LEASE_S, listerPeriodSeconds: 0.2 });
  const both = (p: PortBook) => CONTROLLERS.map((c) => p.endpoint(c)).join(",");
  const processes: ProcessSpec[] = [];
  for (const spec of seed.processes) {
    if (spec.name === SEED.controller) {
      for (const name of CONTROLLERS) {
        processes.push({
          ...spec,
          name,
          args: (p) => [
            ...spec
              .args(p)
              .map((arg) => (arg === p.endpoint(SEED.controller) ? p.endpoint(name) : arg)),
            "--store",
            store,
            "--leader-lease",
            String(LEADER_LEASE_S),
          ],
        });
      }
      continue;
    }
    processes.push({
      ...spec,
      args: (p) => {
        const args = [...spec.args(p)];
        const at = args.indexOf("--controller-endpoint");
        if (at >= 0) args[at + 1] = both(p);
        return args;
      },
    });
  }
  return { host: seed.host, processes };
}

/** Whether a controller says it leads (its `soe_controller_leader` gauge). */
async function leads(ports: PortBook, controller: string): Promise<boolean> {
  const text = await (await fetch(`${ports.url(controller)}/metrics`)).text();
  return /^soe_controller_leader 1$/m.test(text);
}

let etcd: EtcdServer;
let domain: Domain | undefined;
const late: Domain[] = [];
const probes: DomainProbe[] = [];

beforeAll(async () => {
  etcd = await startEtcdServer({ members: 3 });
  const members = etcd.members.map((m) => m.endpoint).join(",");
  domain = await launchDomain(failoverTopology(`etcd://${members}`));
}, 90_000);
afterAll(async () => {
  for (const probe of probes) probe.close();
  for (const d of late) await d.stop();
  await domain?.stop();
  await etcd?.close();
}, 60_000);
afterEach((context) => {
  if (context.task.result?.state === "fail" && domain !== undefined) {
    process.stderr.write(
      `--- last lines of each process ---\n${domain.supervisor.tail.format()}\n`,
    );
  }
});

function probeOf(controller: string): DomainProbe {
  const probe = new DomainProbe((domain as Domain).ports.endpoint(controller));
  probes.push(probe);
  return probe;
}

/** Whether the router's overall table routes `lambda` to exactly `destinations`. */
async function routed(probe: DomainProbe, ports: PortBook, destinations: string[]) {
  const rows = await probe.routerTable(ports.endpoint(SEED.router, "table"));
  const copy = rows
    .filter((r) => r.table === 0 && r.lambda === COPY_LAMBDA)
    .map((r) => r.destination);
  return copy.sort().join() === [...destinations].sort().join();
}

describe("controllers failing over through etcd", () => {
  test("a killed leader fails no invocation; the standby leads and installs a new computer", async () => {
    const { ports, supervisor } = domain as Domain;
    const probe = probeOf(SEED.controller);
    const copyAt = seedRoutes(ports).get(COPY_LAMBDA) ?? [];
    await probe.until("every route installed", () => routed(probe, ports, copyAt), 30_000);
    let leader: string | undefined;
    await probe.until("one leader", async () => {
      const leading = [];
      for (const c of CONTROLLERS) if (await leads(ports, c)) leading.push(c);
      leader = leading.length === 1 ? leading[0] : undefined;
      return leader !== undefined;
    });
    const standby = CONTROLLERS.find((c) => c !== leader) as string;

    const load = new SteadyLoad(`http://${ports.endpoint(SEED.proxy)}`, {
      concurrency: 4,
      maxRequests: 20_000,
      maxMs: 25_000,
    });
    await load.until("warm-up", (o) => o.ok >= 100);

    // SIGKILL: no resignation, so the standby waits for the dead leader's etcd lease to end.
    const killedAt = Date.now();
    await supervisor.kill(leader as string, "SIGKILL");
    const standbyProbe = probeOf(standby);
    await standbyProbe.until(
      "the standby leads",
      () => leads(ports, standby),
      LEADER_LEASE_S * 1000 * 3,
    );
    const takeoverMs = Date.now() - killedAt;

    // A wsk-computer joining now, given both controllers (the dead one first): the new leader
    // installs its route.
    const joined = await launchDomain(
      installationTopology(
        "wsk3",
        `${ports.endpoint(leader as string)},${ports.endpoint(standby)}`,
        {
          leaseTtlSeconds: LEASE_S,
          listerPeriodSeconds: 0.2,
          preload: true,
        },
      ),
    );
    late.push(joined);
    const joinedAt = Date.now();
    const withNew = [...copyAt, joined.ports.endpoint("wsk3")];
    await standbyProbe.until(
      "the new computer's route installed",
      () => routed(standbyProbe, ports, withNew),
      LEASE_S * 1000 * 3,
    );
    const installMs = Date.now() - joinedAt;
    const okAtInstall = load.outcomes.ok;
    await load.until("load after the take-over", (o) => o.ok >= okAtInstall + 100);
    const outcomes = await load.stop();
    process.stdout.write(
      `controller failover: leader ${leader} killed; standby led after ${takeoverMs} ms, installed a new computer ${installMs} ms after it started (leader lease ${LEADER_LEASE_S} s, peer lease ${LEASE_S} s); ${summary(outcomes)}\n`,
    );
    expect(outcomes.failures, summary(outcomes)).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(200);
  }, 60_000);
});
