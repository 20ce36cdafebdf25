import { EMPTY_PLAN, type InstallPlan } from "./install-plan.js";
import type { Installer } from "./installer.js";
import {
  type Container,
  Membership,
  type MembershipEvent,
  type MembershipView,
} from "./membership.js";

export interface EdgeControllerOptions {
  readonly installer: Installer;
  /** ms, monotonic. */
  readonly clock: () => number;
  /** `--lease-ttl` in ms; 0 = announcements never expire. */
  readonly leaseTtlMs: number;
  /**
   * The reference's behaviour (§2.5): a router whose Configure fails is forgotten at once and
   * never contacted again. Off by default: our I/O layer retries a failing router with back-off,
   * and a router that is really gone leaves when its lease runs out.
   */
  readonly forgetFailedRouters?: boolean;
}

/** What an operation changed and what must be sent because of it. */
export interface ControllerOutcome {
  /** For logs and the read API (e.g. "computer removed EP, lambdas served: …"). */
  readonly events: readonly MembershipEvent[];
  readonly plan: InstallPlan;
}

export interface RouterFailureOutcome extends ControllerOutcome {
  /** True if the router was dropped (reference mode); its pending operations can be discarded. */
  readonly forgotten: boolean;
}

/**
 * The edge controller's logic (reference §2): membership with leases plus an installer. Every
 * method is synchronous and returns the operations to send; the I/O layer sends them per router,
 * so a slow router never blocks announcements (DESIGN §4).
 */
export class EdgeController {
  readonly #membership: Membership;
  readonly #installer: Installer;
  readonly #forgetFailedRouters: boolean;

  constructor(options: EdgeControllerOptions) {
    this.#membership = new Membership({ clock: options.clock, leaseTtlMs: options.leaseTtlMs });
    this.#installer = options.installer;
    this.#forgetFailedRouters = options.forgetFailedRouters ?? false;
  }

  get membership(): MembershipView & Pick<Membership, "snapshot" | "nextExpiry"> {
    return this.#membership;
  }

  get installerType(): Installer["type"] {
    return this.#installer.type;
  }

  /** Throws (and registers nothing) if the installer cannot place the computer (hier). */
  announceComputer(endpoint: string, containers: readonly Container[]): ControllerOutcome {
    this.#installer.checkComputer(endpoint);
    return this.#outcome(this.#membership.announceComputer(endpoint, containers));
  }

  /**
   * Registers a computer found in a router's table (issue 13: a controller without a store
   * rebuilds from the domain); throws, and registers nothing, if the installer cannot place it.
   */
  adoptComputer(endpoint: string, lambdas: readonly string[]): ControllerOutcome {
    this.#installer.checkComputer(endpoint);
    return this.#outcome(this.#membership.adoptComputer(endpoint, lambdas));
  }

  announceRouter(lambdaEndpoint: string, tableEndpoint: string): ControllerOutcome {
    this.#installer.checkRouter(lambdaEndpoint);
    return this.#outcome(this.#membership.announceRouter(lambdaEndpoint, tableEndpoint));
  }

  removeComputer(endpoint: string): ControllerOutcome {
    return this.#outcome(this.#membership.removeComputer(endpoint));
  }

  /** Forgets a router another controller removed (a shared store, issue 13). */
  removeRouter(lambdaEndpoint: string): ControllerOutcome {
    return this.#outcome(this.#membership.removeRouter(lambdaEndpoint, "removed"));
  }

  /** Collects expired leases; call at `membership.nextExpiry()`. */
  expire(): ControllerOutcome {
    return this.#outcome(this.#membership.expire());
  }

  /**
   * A Configure call to `tableEndpoint` failed at the transport level (the reply's text is
   * ignored, as in the reference). In reference mode the router is forgotten, which for hier
   * means a reset plan that supersedes everything pending; otherwise nothing changes here and the
   * I/O layer keeps retrying that router's queue.
   */
  routerFailed(tableEndpoint: string): RouterFailureOutcome {
    const router = this.#membership.routerByTable(tableEndpoint);
    if (router === undefined || !this.#forgetFailedRouters) {
      return { events: [], plan: EMPTY_PLAN, forgotten: false };
    }
    const events = this.#membership.removeRouter(router.lambdaEndpoint, "failed");
    return { ...this.#outcome(events), forgotten: true };
  }

  /** A full re-installation of one router (flush first), e.g. after it restarted. */
  resyncRouter(tableEndpoint: string): InstallPlan {
    return this.#installer.resync(tableEndpoint, this.#membership);
  }

  #outcome(events: MembershipEvent[]): ControllerOutcome {
    return { events, plan: this.#installer.plan(events, this.#membership) };
  }
}
