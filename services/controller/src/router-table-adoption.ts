import type { TableSyncCall } from "./router-table-sync.js";
import { computersInTable, type RoutedComputer, type TableRow } from "./table-adoption.js";

export interface RouterTableAdoptionOptions {
  /** A router's overall table (`uiiit.rpc.EdgeRouter/GetTable`, table 0). */
  readonly read: (tableEndpoint: string, call: TableSyncCall) => Promise<readonly TableRow[]>;
  /** Whether an end-point is a known router's lambda end-point (hierarchical destinations). */
  readonly isRouter: (endpoint: string) => boolean;
  /** Registers what was found (ControlPlane.adoptComputers). */
  readonly adopt: (tableEndpoint: string, computers: readonly RoutedComputer[]) => void;
}

/**
 * A controller without a store rebuilds from the domain (issue 13): the first time it meets a
 * router since it started, it reads that router's table and adopts the computers found there,
 * before sending the router anything (RouterTableSync's `beforeFirstSync`). Otherwise the whole
 * table it sends first would wipe the routes of every computer that announced before the restart
 * and does not announce again (reference computers announce once).
 *
 * Once per table end-point for the controller's life: a router whose registration went away and
 * comes back may still hold computers that left meanwhile, which must not come back with it.
 */
export class RouterTableAdoption {
  readonly #options: RouterTableAdoptionOptions;
  readonly #read = new Set<string>();

  constructor(options: RouterTableAdoptionOptions) {
    this.#options = options;
  }

  /** Rejects if the table cannot be read; the caller retries. */
  async beforeFirstSync(tableEndpoint: string, call: TableSyncCall): Promise<void> {
    if (this.#read.has(tableEndpoint)) return;
    const rows = await this.#options.read(tableEndpoint, call);
    // The call may have been given up meanwhile (router dropped, controller closing).
    if (call.signal.aborted) return;
    this.#read.add(tableEndpoint);
    this.#options.adopt(tableEndpoint, computersInTable(rows, this.#options.isRouter));
  }
}
