import type { Logger } from "@soe/runtime";
import type { ControllerOutcome, EdgeController } from "./edge-controller.js";
import { formatInstallStep, type InstallStep, opsByRouter, type RouterOp } from "./install-plan.js";
import type { Container, MembershipEvent, MembershipSnapshot } from "./membership.js";
import type { RouterQueueStatus } from "./router-install-queue.js";
import type { RouterTableSync } from "./router-table-sync.js";
import type { RoutedComputer } from "./table-adoption.js";

/** What the plane asks of the routers' installation (a leader-gated one on a shared store). */
export type RouterInstalls = Pick<
  RouterTableSync,
  "enqueue" | "replace" | "resync" | "drop" | "status"
> &
  Partial<Pick<RouterTableSync, "contact">>;

/** An accepted announcement, a refresh included: a shared store tells the other controllers. */
export type Announcement =
  | { readonly kind: "computer"; readonly endpoint: string }
  | {
      readonly kind: "router";
      readonly lambdaEndpoint: string;
      readonly tableEndpoint: string;
      readonly bootId: string;
    };

export interface ControlPlaneOptions {
  readonly controller: EdgeController;
  /** Where each router's operations go: batches, or Configure calls for reference routers. */
  readonly installs: RouterInstalls;
  readonly logger: Logger;
  /** Called after every change of membership (the state file saves it). */
  readonly onMembershipChange?: (events: readonly MembershipEvent[]) => void;
  /** Called after every accepted announcement, after onMembershipChange if it changed anything. */
  readonly onAnnounced?: (announcement: Announcement) => void;
}

// Table end-points remembered after their router left, so that a return is recognised; bounded
// because routers on ephemeral ports would make the set grow forever.
const MAX_REMEMBERED_ROUTERS = 10_000;

/**
 * The pure controller wired to its effects: every change is logged (the reference's lines,
 * §2.2–2.4 and §9), its plan is queued per router, queues of routers that left are dropped, and
 * the state file is told. Nothing here waits for a router, nor builds what is sent to one: an
 * announcement costs the membership update and one queued reference per router (issue 13);
 * batches are built behind it, and whole tables only when they are sent.
 *
 * Two cases the reference never met, because its routers announced once and were forgotten on the
 * first failure, get a flush and full re-install of the router (`resyncRouter`):
 *  - a router announces a new boot id: it restarted with empty tables, though its registration,
 *    refreshed by an identical announcement, never changed;
 *  - a router comes back after its registration went away (lease expiry, replaced): its table
 *    may still hold entries of computers that left meanwhile, which nobody told it about.
 */
export class ControlPlane {
  readonly #controller: EdgeController;
  readonly #installs: RouterInstalls;
  readonly #logger: Logger;
  readonly #onChange: (events: readonly MembershipEvent[]) => void;
  readonly #onAnnounced: (announcement: Announcement) => void;
  /** Table end-point → the boot id its router announced last. */
  readonly #bootIds = new Map<string, string>();
  /** Table end-points whose registration went away. */
  readonly #gone = new Set<string>();

  constructor(options: ControlPlaneOptions) {
    this.#controller = options.controller;
    this.#installs = options.installs;
    this.#logger = options.logger;
    this.#onChange = options.onMembershipChange ?? (() => {});
    this.#onAnnounced = options.onAnnounced ?? (() => {});
  }

  get controller(): EdgeController {
    return this.#controller;
  }

  /** Throws InvalidAnnouncement or InvalidNode (hier) for what cannot be registered. */
  announceComputer(endpoint: string, containers: readonly Container[]): void {
    const outcome = this.#controller.announceComputer(endpoint, containers);
    if (!outcome.events.some((e) => e.kind === "computer-added" && e.endpoint === endpoint)) {
      this.#logger.debug(
        { computer: endpoint },
        `computer announce from ${endpoint}: lease refreshed`,
      );
    }
    this.#apply(outcome);
    this.#onAnnounced({ kind: "computer", endpoint });
  }

  /** `bootId` is empty for reference routers, which cannot tell us they restarted. */
  announceRouter(lambdaEndpoint: string, tableEndpoint: string, bootId: string): void {
    const outcome = this.#controller.announceRouter(lambdaEndpoint, tableEndpoint);
    const knownBootId = this.#bootIds.get(tableEndpoint);
    const registered = outcome.events.some(
      (e) => e.kind === "router-added" && e.tableEndpoint === tableEndpoint,
    );
    if (!registered) {
      this.#logger.debug(
        { router: lambdaEndpoint },
        `router announce from ${lambdaEndpoint}: lease refreshed`,
      );
    }
    this.#apply(outcome);
    this.#onAnnounced({ kind: "router", lambdaEndpoint, tableEndpoint, bootId });
    if (bootId === "") return;
    this.#bootIds.set(tableEndpoint, bootId);
    if (!registered && knownBootId !== undefined && knownBootId !== bootId) {
      this.#logger.info(
        { router: lambdaEndpoint, table: tableEndpoint },
        `edge router ${lambdaEndpoint} restarted: re-installing its forwarding tables`,
      );
      this.#resync(tableEndpoint);
    }
  }

  /**
   * Registers the computers a router's table routes to and this controller does not know
   * (issue 13: without a store, a restarted controller rebuilds from the routers' tables).
   * They are routed to by every router as usual, with no lease: they stay until removed (a
   * router ejects them and reports it) or until they announce themselves. One that cannot be
   * placed (hier) is skipped with a warning.
   */
  adoptComputers(tableEndpoint: string, computers: readonly RoutedComputer[]): void {
    const membership = this.#controller.membership;
    let adopted = 0;
    for (const { endpoint, lambdas } of computers) {
      if (membership.computer(endpoint) !== undefined) continue;
      try {
        this.#apply(this.#controller.adoptComputer(endpoint, lambdas));
        adopted++;
      } catch (err) {
        this.#logger.warn(
          { err, computer: endpoint, table: tableEndpoint },
          `cannot adopt computer ${endpoint} from the table of ${tableEndpoint}, skipped`,
        );
      }
    }
    this.#logger.info(
      { table: tableEndpoint, routed: computers.length, adopted },
      `read the table of edge router at ${tableEndpoint}: ${adopted} computer(s) adopted`,
    );
  }

  /** Forgets a router that another controller removed (a shared store). */
  removeRouter(lambdaEndpoint: string): void {
    this.#apply(this.#controller.removeRouter(lambdaEndpoint));
  }

  /** Re-installs every registered router from scratch: a new leader takes over the tables. */
  resyncAll(): void {
    for (const router of this.#controller.membership.routers()) this.#resync(router.tableEndpoint);
  }

  removeComputer(endpoint: string): void {
    const outcome = this.#controller.removeComputer(endpoint);
    if (outcome.events.length === 0) {
      this.#logger.debug({ computer: endpoint }, `computer removed ${endpoint}: not registered`);
    }
    this.#apply(outcome);
  }

  /** Removes whatever registration has run out of lease. */
  expire(): void {
    this.#apply(this.#controller.expire());
  }

  /**
   * Registers what a state file holds, then re-installs every router from scratch (flush and
   * all its routes): while the controller was down, nothing kept the tables in line.
   * Registrations that cannot be placed any more (hier topology changed) are skipped, with a
   * warning.
   */
  restore(snapshot: MembershipSnapshot): void {
    for (const { endpoint, containers } of snapshot.computers) {
      this.#tryRestore(() => this.#controller.announceComputer(endpoint, containers), endpoint);
    }
    for (const { lambdaEndpoint, tableEndpoint } of snapshot.routers) {
      this.#tryRestore(
        () => this.#controller.announceRouter(lambdaEndpoint, tableEndpoint),
        lambdaEndpoint,
      );
    }
    const { computers, routers } = this.#controller.membership.snapshot();
    this.#logger.info(
      { computers: computers.length, routers: routers.length },
      "membership restored from the state file: re-installing every router",
    );
    for (const router of routers) this.#resync(router.tableEndpoint);
  }

  routerStatus(tableEndpoint: string): RouterQueueStatus {
    return this.#installs.status(tableEndpoint);
  }

  #tryRestore(announce: () => ControllerOutcome, endpoint: string): void {
    try {
      announce(); // plans are moot: every router is re-installed afterwards
    } catch (err) {
      this.#logger.warn({ err, endpoint }, `state file: cannot restore ${endpoint}, skipped`);
    }
  }

  #apply({ events, plan }: ControllerOutcome): void {
    const returned = new Set<string>();
    for (const event of events) {
      this.#log(event);
      if (event.kind === "router-removed") {
        this.#bootIds.delete(event.tableEndpoint);
        this.#remember(event.tableEndpoint);
        if (this.#controller.membership.routerByTable(event.tableEndpoint) === undefined) {
          this.#installs.drop(event.tableEndpoint);
        }
      } else if (event.kind === "router-added") {
        if (this.#gone.delete(event.tableEndpoint)) returned.add(event.tableEndpoint);
        // Installation starts with the first contact (the table read, without a store).
        this.#installs.contact?.(event.tableEndpoint);
      }
    }
    this.#logSteps(plan.steps);
    // A reset plan flushes every router first, returned ones included.
    for (const [router, ops] of opsByRouter(plan)) {
      if (!plan.reset && returned.has(router)) continue;
      if (plan.reset) this.#installs.replace(router, ops);
      else this.#installs.enqueue(router, ops);
    }
    if (!plan.reset) for (const router of returned) this.#resync(router);
    if (events.length > 0) this.#onChange(events);
  }

  // The whole table is computed when it is sent (fullTable), not here: a burst of restarts
  // must not cost a table each inside announcements.
  #resync(tableEndpoint: string): void {
    this.#installs.resync(tableEndpoint);
  }

  /** A router's whole table, flush first, as the installer plans it now. */
  fullTable(tableEndpoint: string): RouterOp[] {
    const plan = this.#controller.resyncRouter(tableEndpoint);
    this.#logSteps(plan.steps);
    return opsByRouter(plan).get(tableEndpoint) ?? [];
  }

  // Formatting a step costs O(entries): only when someone reads it.
  #logSteps(steps: readonly InstallStep[]): void {
    if (!this.#logger.isLevelEnabled("debug")) return;
    for (const step of steps) this.#logger.debug(`install: ${formatInstallStep(step)}`);
  }

  #remember(tableEndpoint: string): void {
    this.#gone.add(tableEndpoint);
    if (this.#gone.size > MAX_REMEMBERED_ROUTERS) {
      const oldest = this.#gone.values().next().value;
      if (oldest !== undefined) this.#gone.delete(oldest);
    }
  }

  // reference §9: the controller's log lines, at info for changes.
  #log(event: MembershipEvent): void {
    const log = this.#logger;
    switch (event.kind) {
      case "computer-added": {
        if (this.#controller.membership.computer(event.endpoint)?.adopted === true) {
          log.info(
            { computer: event.endpoint, adopted: true },
            `computer ${event.endpoint} adopted from a router's table, lambdas: ${event.lambdas.join(", ")}`,
          );
          break;
        }
        const containers = this.#controller.membership.computer(event.endpoint)?.containers ?? [];
        const lines = containers.map(
          (c) =>
            `${c.name}: processor ${c.processor}, lambda ${c.lambda}, #workers ${c.numWorkers}`,
        );
        log.info(
          { computer: event.endpoint },
          `computer announce from ${event.endpoint}: ${lines.join("; ")}`,
        );
        break;
      }
      case "computer-removed":
        log.info(
          { computer: event.endpoint, cause: event.cause },
          `computer removed ${event.endpoint}, lambdas served: ${event.lambdas.join(", ")}`,
        );
        break;
      case "router-added":
        log.info(
          { router: event.lambdaEndpoint, table: event.tableEndpoint },
          `router announce from ${event.lambdaEndpoint} with forwarding table server ${event.tableEndpoint}`,
        );
        break;
      case "router-removed":
        log.info(
          { router: event.lambdaEndpoint, cause: event.cause },
          `removing edge router ${event.lambdaEndpoint} from the known routers`,
        );
        break;
      case "lambda-added":
        log.debug({ lambda: event.lambda }, `lambda ${event.lambda} now offered`);
        break;
      case "lambda-removed":
        log.debug({ lambda: event.lambda }, `lambda ${event.lambda} no longer offered`);
        break;
    }
  }
}
