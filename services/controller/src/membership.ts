import { compareText } from "@soe/runtime";
import { type Lease, leaseExpired, startLease } from "./lease.js";
import {
  type ComputerRecord,
  type Container,
  type MembershipEvent,
  type MembershipSnapshot,
  type MembershipView,
  type RemovalCause,
  type RouterRecord,
  sameContainers,
} from "./membership-records.js";

export type {
  ComputerRecord,
  Container,
  MembershipEvent,
  MembershipSnapshot,
  MembershipView,
  RemovalCause,
  RouterRecord,
};

export interface MembershipOptions {
  /** ms, monotonic. */
  readonly clock: () => number;
  /** `--lease-ttl` in ms; 0 = announcements never expire (for reference peers that announce once). */
  readonly leaseTtlMs: number;
}

export class InvalidAnnouncement extends Error {
  override readonly name = "InvalidAnnouncement";
}

/**
 * The controller's bookkeeping (reference §2.1–2.4) with leases (DESIGN §4): computers with their
 * containers, routers, lambdas → computers. Every announcement holds for the lease TTL; expired
 * registrations are collected before each operation and by `expire()` (the I/O layer calls it at
 * `nextExpiry()`). No I/O: each operation returns the events it caused.
 */
export class Membership implements MembershipView {
  readonly #clock: () => number;
  readonly #ttlMs: number;
  readonly #computers = new Map<string, ComputerRecord>();
  readonly #routers = new Map<string, RouterRecord>();
  readonly #lambdas = new Map<string, Set<string>>();
  /**
   * No lease runs out before this (ms): a lower bound, exact after each collection. Announcements
   * arrive by the thousand while a large domain comes up; checking it is what keeps each one from
   * walking (and sorting) every registration.
   */
  #earliestExpiry = Number.POSITIVE_INFINITY;

  constructor(options: MembershipOptions) {
    if (!(options.leaseTtlMs >= 0)) throw new Error(`Invalid lease TTL: ${options.leaseTtlMs}`);
    this.#clock = options.clock;
    this.#ttlMs = options.leaseTtlMs;
  }

  /**
   * AnnounceComputer. Identical containers (same order, all fields) only refresh the lease — no
   * events, so no table traffic. Changed containers remove the old registration first, then add
   * the new one. An empty container list is accepted, like the reference: a computer serving nothing.
   */
  announceComputer(endpoint: string, containers: readonly Container[]): MembershipEvent[] {
    if (endpoint === "") throw new InvalidAnnouncement("empty computer end-point");
    if (containers.some((c) => c.lambda === "")) {
      throw new InvalidAnnouncement(`computer ${endpoint} announces a container without a lambda`);
    }
    const events = this.#collectExpired();
    const existing = this.#computers.get(endpoint);
    if (existing !== undefined && sameContainers(existing.containers, containers)) {
      this.#computers.set(endpoint, { ...existing, ...this.#lease() });
      return events;
    }
    // An adopted computer announcing the lambdas it was routed for becomes an ordinary member
    // without a word to the routers: they already hold its routes.
    if (existing?.adopted === true && sameLambdaSet(existing.lambdas, containers)) {
      const lambdas = [...new Set(containers.map((c) => c.lambda))];
      this.#computers.set(endpoint, {
        endpoint,
        containers: [...containers],
        lambdas,
        ...this.#lease(),
      });
      return events;
    }
    if (existing !== undefined) events.push(...this.#dropComputer(existing, "replaced"));

    const lambdas = [...new Set(containers.map((c) => c.lambda))];
    const record = { endpoint, containers: [...containers], lambdas, ...this.#lease() };
    this.#computers.set(endpoint, record);
    this.#addLambdas(endpoint, lambdas, events);
    events.push({ kind: "computer-added", endpoint, lambdas });
    return events;
  }

  #addLambdas(endpoint: string, lambdas: readonly string[], events: MembershipEvent[]): void {
    for (const lambda of lambdas) {
      let offering = this.#lambdas.get(lambda);
      if (offering === undefined) {
        offering = new Set();
        this.#lambdas.set(lambda, offering);
        events.push({ kind: "lambda-added", lambda });
      }
      offering.add(endpoint);
    }
  }

  /**
   * A computer found in a router's table by a controller without a store (issue 13): registered
   * as offering `lambdas`, without a lease (reference computers announce once and never again),
   * until it is removed or announces itself. A computer already known is left as it is.
   */
  adoptComputer(endpoint: string, lambdas: readonly string[]): MembershipEvent[] {
    if (endpoint === "") throw new InvalidAnnouncement("empty computer end-point");
    const events = this.#collectExpired();
    if (this.#computers.has(endpoint)) return events;
    const offered = [...new Set(lambdas)].filter((lambda) => lambda !== "");
    // Containers are not in a table: one per lambda, so the read API shows what is routed.
    const containers = offered.map((lambda) => ({
      name: lambda,
      processor: "",
      lambda,
      numWorkers: 0,
    }));
    const now = this.#clock();
    this.#computers.set(endpoint, {
      endpoint,
      containers,
      lambdas: offered,
      refreshedAt: now,
      expiresAt: Number.POSITIVE_INFINITY,
      adopted: true,
    });
    this.#addLambdas(endpoint, offered, events);
    events.push({ kind: "computer-added", endpoint, lambdas: offered });
    return events;
  }

  /**
   * AnnounceRouter. The same end-points only refresh the lease. A new table end-point for a known
   * router, or a known table end-point announced by another router, replaces the old registration
   * (one router per table end-point, so a table is never configured twice over).
   */
  announceRouter(lambdaEndpoint: string, tableEndpoint: string): MembershipEvent[] {
    if (lambdaEndpoint === "" || tableEndpoint === "") {
      throw new InvalidAnnouncement("empty router end-point");
    }
    const events = this.#collectExpired();
    const existing = this.#routers.get(lambdaEndpoint);
    if (existing !== undefined && existing.tableEndpoint === tableEndpoint) {
      this.#routers.set(lambdaEndpoint, { ...existing, ...this.#lease() });
      return events;
    }
    if (existing !== undefined) events.push(this.#dropRouter(existing, "replaced"));
    const sharing = this.routerByTable(tableEndpoint);
    if (sharing !== undefined) events.push(this.#dropRouter(sharing, "replaced"));

    this.#routers.set(lambdaEndpoint, { lambdaEndpoint, tableEndpoint, ...this.#lease() });
    events.push({ kind: "router-added", lambdaEndpoint, tableEndpoint });
    return events;
  }

  /** RemoveComputer; an unknown end-point (e.g. a router, reported by another router) is a no-op. */
  removeComputer(endpoint: string): MembershipEvent[] {
    const events = this.#collectExpired();
    const existing = this.#computers.get(endpoint);
    if (existing !== undefined) events.push(...this.#dropComputer(existing, "removed"));
    return events;
  }

  /** Forgets a router (reference mode: after a failed Configure). */
  removeRouter(lambdaEndpoint: string, cause: RemovalCause): MembershipEvent[] {
    const events = this.#collectExpired();
    const existing = this.#routers.get(lambdaEndpoint);
    if (existing !== undefined) events.push(this.#dropRouter(existing, cause));
    return events;
  }

  /** Removes every registration whose lease has run out. */
  expire(): MembershipEvent[] {
    return this.#collectExpired();
  }

  /** When the next lease runs out (ms), or undefined if none will. */
  nextExpiry(): number | undefined {
    let next = Number.POSITIVE_INFINITY;
    for (const r of [...this.#computers.values(), ...this.#routers.values()]) {
      next = Math.min(next, r.expiresAt);
    }
    return Number.isFinite(next) ? next : undefined;
  }

  computers(): readonly ComputerRecord[] {
    return sortedValues(this.#computers);
  }

  computer(endpoint: string): ComputerRecord | undefined {
    return this.#computers.get(endpoint);
  }

  routers(): readonly RouterRecord[] {
    return sortedValues(this.#routers);
  }

  router(lambdaEndpoint: string): RouterRecord | undefined {
    return this.#routers.get(lambdaEndpoint);
  }

  routerByTable(tableEndpoint: string): RouterRecord | undefined {
    for (const r of this.#routers.values()) if (r.tableEndpoint === tableEndpoint) return r;
    return undefined;
  }

  lambdas(): ReadonlyMap<string, readonly string[]> {
    const out = new Map<string, readonly string[]>();
    for (const lambda of [...this.#lambdas.keys()].sort(compareText)) {
      out.set(lambda, [...(this.#lambdas.get(lambda) ?? [])].sort(compareText));
    }
    return out;
  }

  /**
   * The registrations without their leases, for `--state-file`: after a restart the I/O layer
   * replays them as announcements, which start fresh leases and re-install every router.
   */
  snapshot(): MembershipSnapshot {
    return {
      computers: this.computers().map(({ endpoint, containers }) => ({ endpoint, containers })),
      routers: this.routers().map(({ lambdaEndpoint, tableEndpoint }) => ({
        lambdaEndpoint,
        tableEndpoint,
      })),
    };
  }

  #collectExpired(): MembershipEvent[] {
    const now = this.#clock();
    if (now < this.#earliestExpiry) return [];
    const events: MembershipEvent[] = [];
    for (const c of this.computers()) {
      if (leaseExpired(c, now)) events.push(...this.#dropComputer(c, "expired"));
    }
    for (const r of this.routers()) {
      if (leaseExpired(r, now)) events.push(this.#dropRouter(r, "expired"));
    }
    this.#earliestExpiry = this.nextExpiry() ?? Number.POSITIVE_INFINITY;
    return events;
  }

  #dropComputer(record: ComputerRecord, cause: RemovalCause): MembershipEvent[] {
    const events: MembershipEvent[] = [];
    this.#computers.delete(record.endpoint);
    for (const lambda of record.lambdas) {
      const offering = this.#lambdas.get(lambda);
      offering?.delete(record.endpoint);
      if (offering !== undefined && offering.size === 0) {
        this.#lambdas.delete(lambda);
        events.push({ kind: "lambda-removed", lambda });
      }
    }
    events.push({
      kind: "computer-removed",
      endpoint: record.endpoint,
      lambdas: record.lambdas,
      cause,
    });
    return events;
  }

  #dropRouter(record: RouterRecord, cause: RemovalCause): MembershipEvent {
    this.#routers.delete(record.lambdaEndpoint);
    const { lambdaEndpoint, tableEndpoint } = record;
    return { kind: "router-removed", lambdaEndpoint, tableEndpoint, cause };
  }

  /** A lease starting now. */
  #lease(): Lease {
    const lease = startLease(this.#clock(), this.#ttlMs);
    if (lease.expiresAt < this.#earliestExpiry) this.#earliestExpiry = lease.expiresAt;
    return lease;
  }
}

function sameLambdaSet(lambdas: readonly string[], containers: readonly Container[]): boolean {
  const announced = new Set(containers.map((c) => c.lambda));
  return announced.size === lambdas.length && lambdas.every((lambda) => announced.has(lambda));
}

function sortedValues<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.keys()].sort(compareText).map((k) => map.get(k) as T);
}
