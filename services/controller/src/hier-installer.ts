import { compareText } from "@soe/runtime";
import { INSTALL_WEIGHT } from "./flat-installer.js";
import { type HierObjective, homeRouterAddress } from "./home-router.js";
import { EMPTY_PLAN, type InstallPlan, type InstallStep, type RouteEntry } from "./install-plan.js";
import type { Installer } from "./installer.js";
import type { MembershipEvent, MembershipView, RouterRecord } from "./membership.js";
import { endpointAddress, InvalidNode, type Topology } from "./topology.js";

export interface HierInstallerOptions {
  /** Picks among several routers at the home address. */
  readonly rng: () => number;
  readonly topology?: Topology;
  readonly objective?: HierObjective;
}

/**
 * The `hier` installer (reference §2.7). Each computer gets a *home* router, the best placed by
 * the topology and objective; the home router gets the computer as a final destination, and the
 * other routers get the home router as a non-final destination for each lambda, once per lambda
 * and home. A change in the set of routers flushes every router and rebuilds all tables.
 *
 * Fixes: the removal of a computer at its home router goes to the router's forwarding-table
 * end-point (the reference sends it to its lambda end-point, where no EdgeRouter service answers,
 * so the home router got dropped and every table rebuilt); a re-announced router is never
 * duplicated; a router or computer that cannot be placed is rejected before being registered.
 */
export class HierInstaller implements Installer {
  readonly type = "hier";
  readonly #rng: () => number;
  #topology: Topology | undefined;
  #objective: HierObjective | undefined;
  /** computer end-point → its home router's lambda end-point. */
  readonly #homes = new Map<string, string>();
  /** home router lambda end-point → lambda → computers behind it. */
  readonly #announced = new Map<string, Map<string, Set<string>>>();

  constructor(options: HierInstallerOptions) {
    this.#rng = options.rng;
    if (options.topology !== undefined) this.loadTopology(options.topology);
    if (options.objective !== undefined) this.setObjective(options.objective);
  }

  /** Once only (reference §10: a second topology is an error). */
  loadTopology(topology: Topology): void {
    if (this.#topology !== undefined) throw new Error("topology already loaded");
    this.#topology = topology;
  }

  /** Once only (reference §10: a second objective is an error). */
  setObjective(objective: HierObjective): void {
    if (this.#objective !== undefined) throw new Error("objective already set");
    this.#objective = objective;
  }

  checkComputer(endpoint: string): void {
    if (this.#topology === undefined) {
      throw new Error("cannot place a computer: no topology loaded");
    }
    if (this.#objective === undefined) {
      throw new Error("cannot place a computer: no objective set");
    }
    const address = endpointAddress(endpoint);
    if (!this.#topology.has(address)) throw new InvalidNode(address);
  }

  // Without a topology yet a router is accepted, as in the reference; its address is checked as
  // soon as a computer needs a home.
  checkRouter(lambdaEndpoint: string): void {
    const address = endpointAddress(lambdaEndpoint);
    if (this.#topology !== undefined && !this.#topology.has(address)) {
      throw new InvalidNode(address);
    }
  }

  plan(events: readonly MembershipEvent[], view: MembershipView): InstallPlan {
    if (events.some((e) => e.kind === "router-added" || e.kind === "router-removed")) {
      return this.#reset(view);
    }
    const steps: InstallStep[] = [];
    for (const event of events) {
      if (event.kind === "computer-added") {
        steps.push(...this.#install(event.endpoint, event.lambdas, view));
      } else if (event.kind === "computer-removed") {
        steps.push(...this.#uninstall(event.endpoint, event.lambdas, view));
      }
    }
    return { steps, reset: false };
  }

  resync(tableEndpoint: string, view: MembershipView): InstallPlan {
    const router = view.routerByTable(tableEndpoint);
    if (router === undefined) return EMPTY_PLAN;
    const entries: RouteEntry[] = [];
    for (const c of view.computers()) {
      if (this.#homes.get(c.endpoint) !== router.lambdaEndpoint) continue;
      entries.push(...c.lambdas.map((l) => entry(l, c.endpoint, true)));
    }
    for (const other of view.routers()) {
      if (other.lambdaEndpoint === router.lambdaEndpoint) continue;
      const lambdas = [...(this.#announced.get(other.lambdaEndpoint)?.keys() ?? [])];
      entries.push(...lambdas.sort(compareText).map((l) => entry(l, other.lambdaEndpoint, false)));
    }
    const steps: InstallStep[] = [{ router: tableEndpoint, op: { kind: "flush" } }];
    if (entries.length > 0) steps.push({ router: tableEndpoint, op: { kind: "change", entries } });
    return { steps, reset: false };
  }

  /** Flush every router, then re-install every computer in end-point order. */
  #reset(view: MembershipView): InstallPlan {
    this.#homes.clear();
    this.#announced.clear();
    const steps: InstallStep[] = view
      .routers()
      .map((r) => ({ router: r.tableEndpoint, op: { kind: "flush" } }));
    for (const c of view.computers()) steps.push(...this.#install(c.endpoint, c.lambdas, view));
    return { steps, reset: true };
  }

  #install(computer: string, lambdas: readonly string[], view: MembershipView): InstallStep[] {
    const routers = view.routers();
    const home = this.#home(computer, routers);
    if (home === undefined || lambdas.length === 0) return [];
    this.#homes.set(computer, home.lambdaEndpoint);

    const steps: InstallStep[] = [
      {
        router: home.tableEndpoint,
        op: { kind: "change", entries: lambdas.map((l) => entry(l, computer, true)) },
      },
    ];
    const behindHome = getOrCreate(this.#announced, home.lambdaEndpoint, () => new Map());
    const firstBehindHome = lambdas.filter((l) => {
      const computers = getOrCreate(behindHome, l, () => new Set<string>());
      computers.add(computer);
      return computers.size === 1;
    });
    if (firstBehindHome.length > 0) {
      const entries = firstBehindHome.map((l) => entry(l, home.lambdaEndpoint, false));
      for (const r of routers) {
        if (r !== home) steps.push({ router: r.tableEndpoint, op: { kind: "change", entries } });
      }
    }
    return steps;
  }

  #uninstall(computer: string, lambdas: readonly string[], view: MembershipView): InstallStep[] {
    const homeEndpoint = this.#homes.get(computer);
    this.#homes.delete(computer);
    const home = homeEndpoint === undefined ? undefined : view.router(homeEndpoint);
    if (home === undefined) return [];

    const steps: InstallStep[] = [];
    const behindHome = this.#announced.get(home.lambdaEndpoint);
    for (const lambda of lambdas) {
      steps.push({
        router: home.tableEndpoint,
        op: { kind: "remove", destination: computer, lambdas: [lambda] },
      });
      const computers = behindHome?.get(lambda);
      computers?.delete(computer);
      if (computers !== undefined && computers.size > 0) continue;
      behindHome?.delete(lambda);
      for (const r of view.routers()) {
        if (r.lambdaEndpoint === home.lambdaEndpoint) continue;
        steps.push({
          router: r.tableEndpoint,
          op: { kind: "remove", destination: home.lambdaEndpoint, lambdas: [lambda] },
        });
      }
    }
    if (behindHome !== undefined && behindHome.size === 0) {
      this.#announced.delete(home.lambdaEndpoint);
    }
    return steps;
  }

  /** The home router of a computer: best address by the objective, then a random router there. */
  #home(computer: string, routers: readonly RouterRecord[]): RouterRecord | undefined {
    if (routers.length === 0) return undefined;
    if (this.#topology === undefined || this.#objective === undefined) {
      throw new Error("cannot place a computer: no topology or objective");
    }
    const addresses = [...new Set(routers.map((r) => endpointAddress(r.lambdaEndpoint)))].sort(
      compareText,
    );
    const best = homeRouterAddress(
      this.#topology,
      addresses,
      endpointAddress(computer),
      this.#objective,
    );
    const candidates = routers.filter((r) => endpointAddress(r.lambdaEndpoint) === best);
    if (candidates.length <= 1) return candidates[0];
    return candidates[Math.min(candidates.length - 1, Math.floor(this.#rng() * candidates.length))];
  }
}

function entry(lambda: string, destination: string, final: boolean): RouteEntry {
  return { lambda, destination, weight: INSTALL_WEIGHT, final };
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
