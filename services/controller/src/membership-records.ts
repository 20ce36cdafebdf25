// The records and events of the controller's membership (reference §2.1), shared by the
// Membership bookkeeping, the installers and the I/O layer.

/** One container a computer announces (`ComputerInfo.Container`). */
export interface Container {
  readonly name: string;
  readonly processor: string;
  readonly lambda: string;
  readonly numWorkers: number;
}

export interface ComputerRecord {
  readonly endpoint: string;
  readonly containers: readonly Container[];
  /** The lambdas of the containers, in container order, each once. */
  readonly lambdas: readonly string[];
  /** ms on the clock of the last announcement (the read API shows the lease's age). */
  readonly refreshedAt: number;
  /** ms on the clock; Infinity when leases are off (ttl 0), or for an adopted computer. */
  readonly expiresAt: number;
  /**
   * Taken from a router's table by a controller without a store (issue 13), not announced: no
   * lease runs out; it stays until removed (a router ejects it) or until it announces itself.
   */
  readonly adopted?: boolean;
}

export interface RouterRecord {
  /** Where lambdas are sent (`RouterInfo.edgeServerEndpoint`); the router's identity. */
  readonly lambdaEndpoint: string;
  /** Where Configure goes (`RouterInfo.forwardingTableEndpoint`). */
  readonly tableEndpoint: string;
  readonly refreshedAt: number;
  readonly expiresAt: number;
}

/** Why a registration ended: RemoveComputer, lease expiry, a re-announcement that replaced it, or (reference mode only) a failed Configure. */
export type RemovalCause = "removed" | "expired" | "replaced" | "failed";

/**
 * What changed, in order (reference §2.2–2.4: a lambda's first computer before the computer, the
 * removal of a computer's lambdas before the computer). Installers turn these into router
 * operations; the I/O layer logs them.
 */
export type MembershipEvent =
  | {
      readonly kind: "computer-added";
      readonly endpoint: string;
      readonly lambdas: readonly string[];
    }
  | {
      readonly kind: "computer-removed";
      readonly endpoint: string;
      readonly lambdas: readonly string[];
      readonly cause: RemovalCause;
    }
  | { readonly kind: "lambda-added"; readonly lambda: string }
  | { readonly kind: "lambda-removed"; readonly lambda: string }
  | {
      readonly kind: "router-added";
      readonly lambdaEndpoint: string;
      readonly tableEndpoint: string;
    }
  | {
      readonly kind: "router-removed";
      readonly lambdaEndpoint: string;
      readonly tableEndpoint: string;
      readonly cause: RemovalCause;
    };

/** Read access to the membership, in the orders the reference iterates (end-point order). */
export interface MembershipView {
  computers(): readonly ComputerRecord[];
  computer(endpoint: string): ComputerRecord | undefined;
  /** Sorted by lambda end-point. */
  routers(): readonly RouterRecord[];
  router(lambdaEndpoint: string): RouterRecord | undefined;
  routerByTable(tableEndpoint: string): RouterRecord | undefined;
  /** lambda → computers offering it (sorted), lambdas sorted. */
  lambdas(): ReadonlyMap<string, readonly string[]>;
}

export interface MembershipSnapshot {
  readonly computers: readonly { endpoint: string; containers: readonly Container[] }[];
  readonly routers: readonly { lambdaEndpoint: string; tableEndpoint: string }[];
}

export function sameContainers(a: readonly Container[], b: readonly Container[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      return (
        y !== undefined &&
        x.name === y.name &&
        x.processor === y.processor &&
        x.lambda === y.lambda &&
        x.numWorkers === y.numWorkers
      );
    })
  );
}

/**
 * The reference controller's `print` (seen in its hier tests): per computer `computer EP` and one
 * line per container, then the routers as `lambdaEp|tableEp` joined by commas, no newline.
 */
export function formatMembership(view: MembershipView): string {
  let out = "";
  for (const c of view.computers()) {
    out += `computer ${c.endpoint}\n`;
    for (const k of c.containers) {
      out += `${k.name}: processor ${k.processor}, lambda ${k.lambda}, #workers ${k.numWorkers}\n`;
    }
  }
  return (
    out +
    view
      .routers()
      .map((r) => `${r.lambdaEndpoint}|${r.tableEndpoint}`)
      .join(",")
  );
}
