import type { InstallPlan } from "./install-plan.js";
import type { MembershipEvent, MembershipView } from "./membership.js";

/**
 * Turns membership changes into forwarding-table operations (reference §2.5–2.7). Pure: it only
 * describes what to send; the I/O layer sends it, per router, with deadlines and retries.
 */
export interface Installer {
  /** `--installer-type`. */
  readonly type: "flat" | "hier";
  /** Throws if this computer cannot be placed; called before anything is registered. */
  checkComputer(endpoint: string): void;
  /** Throws if this router cannot be placed; called before anything is registered. */
  checkRouter(lambdaEndpoint: string): void;
  /** The operations for `events`, which have already been applied to `view`. */
  plan(events: readonly MembershipEvent[], view: MembershipView): InstallPlan;
  /**
   * Flush and full re-installation of one router's table, for when the I/O layer finds it lost
   * state (a router that restarted within its lease re-announces identically, which is only a
   * lease refresh).
   */
  resync(tableEndpoint: string, view: MembershipView): InstallPlan;
}
