import { EdgeRouterConf_Action } from "@soe/proto";
import type { ForwardingTable, TableRow } from "./forwarding-table.js";
import { InvalidDestination, InvalidWeight } from "./forwarding-table-errors.js";
import type { LocalOptimizer, PollReport } from "./optimizers/local-optimizer.js";

/** Table #0: for requests from clients (`forward=false`); may hold routers (non-final). */
export const OVERALL_TABLE = 0;
/** Table #1: for requests already forwarded by an edge node (`forward=true`); computers only. */
export const FINAL_TABLE = 1;
export type TableId = typeof OVERALL_TABLE | typeof FINAL_TABLE;

/** The fields of an `EdgeRouterConf` that Configure reads (the proto message satisfies it). */
export interface ConfigureRequest {
  readonly action: EdgeRouterConf_Action;
  readonly lambda: string;
  readonly destination: string;
  readonly weight: number;
  readonly final: boolean;
}

/**
 * One change of a table-sync batch (`soe.v1.RouteChange`, which satisfies it): the same change of
 * the pair (lambda, destination) for each of `lambdas`, with Configure's meaning.
 */
export interface RouteChangeSet {
  readonly destination: string;
  readonly lambdas: readonly string[];
  readonly weight: number;
  readonly final: boolean;
  readonly remove: boolean;
}

/**
 * Throws what ForwardingTable.change would (InvalidWeight, InvalidDestination) for the first
 * change that cannot be applied, or InvalidLambda for an empty lambda name; checked before a batch
 * touches the tables, so that a batch applies entirely or not at all.
 */
export function checkChanges(changes: readonly RouteChangeSet[]): void {
  for (const change of changes) {
    for (const lambda of change.lambdas)
      if (lambda === "") throw new InvalidLambda(change.destination);
    if (change.remove) continue;
    if (change.weight < 0 || !Number.isFinite(change.weight))
      throw new InvalidWeight(change.weight);
    if (change.destination === "" || !(change.weight > 0)) {
      throw new InvalidDestination(change.destination, change.weight);
    }
  }
}

/** A table-sync change names no lambda (Configure lets that through; a batch does not). */
export class InvalidLambda extends Error {
  override readonly name = "InvalidLambda";
  constructor(readonly destination: string) {
    super(`Empty lambda name towards '${destination}'`);
  }
}

/** A route taken out of a table while its destination is unreachable. */
export interface EjectedRoute {
  readonly table: TableId;
  readonly lambda: string;
  readonly weight: number;
  readonly final: boolean;
}

export interface RouterTablesOptions {
  /** Called twice: one table per id, each with its own policy state. */
  readonly makeTable: () => ForwardingTable;
  /** Called once per table: latency learning stays apart for client and forwarded traffic. */
  readonly makeOptimizer: (table: ForwardingTable) => LocalOptimizer;
}

/**
 * A router's two tables and their optimizers (reference §3.2, §3.6). The final table exists so a
 * request is bounced router-to-router at most once: what a router forwards arrives with
 * `forward=true` and is looked up among computers only.
 */
export class RouterTables {
  readonly numTables = 2;
  readonly #options: RouterTablesOptions;
  #tables: readonly [ForwardingTable, ForwardingTable];
  #optimizers: readonly [LocalOptimizer, LocalOptimizer];

  constructor(options: RouterTablesOptions) {
    this.#options = options;
    this.#tables = [options.makeTable(), options.makeTable()];
    this.#optimizers = [
      options.makeOptimizer(this.#tables[0]),
      options.makeOptimizer(this.#tables[1]),
    ];
  }

  table(id: TableId): ForwardingTable {
    return this.#tables[id];
  }

  /**
   * Applies one Configure request and returns `Return.msg`: "OK", or "Error: <text>" (the RPC
   * itself always succeeds, as in the reference). FLUSH empties both tables; CHANGE writes table
   * #0, and table #1 too when final; REMOVE drops the (lambda, destination) pair from both.
   *
   * Fix: a CHANGE that turns a pair non-final also drops it from table #1, which must hold final
   * destinations only (the reference leaves the stale final copy there).
   */
  configure(request: ConfigureRequest): string {
    try {
      const { lambda, destination, weight, final } = request;
      switch (request.action) {
        case EdgeRouterConf_Action.FLUSH:
          for (const table of this.#tables) table.flush();
          break;
        case EdgeRouterConf_Action.CHANGE:
          this.#tables[OVERALL_TABLE].change(lambda, destination, weight, final);
          if (final) this.#tables[FINAL_TABLE].change(lambda, destination, weight, final);
          else this.#tables[FINAL_TABLE].remove(lambda, destination);
          break;
        case EdgeRouterConf_Action.REMOVE:
          for (const table of this.#tables) table.remove(lambda, destination);
          break;
        default:
          return `Error: Unknown action ${String(request.action)}`;
      }
      return "OK";
    } catch (error) {
      return error instanceof Error ? `Error: ${error.message}` : "Unknown error";
    }
  }

  /**
   * Applies a table-sync batch that checkChanges passed, so nothing throws half-way; each change
   * as Configure CHANGE or REMOVE would. `removed` hears of every pair that left table #0.
   * Synchronous: no request is forwarded between its first and last change.
   */
  applyChanges(
    changes: readonly RouteChangeSet[],
    removed?: (lambda: string, destination: string) => void,
  ): void {
    applyTo(this.#tables, changes, removed);
  }

  /**
   * Empty tables, apart from the ones serving, to build a snapshot in over several batches
   * (`StagedTables.apply`); `swap` puts them in service at once.
   */
  stage(): StagedTables {
    return new StagedTables([this.#options.makeTable(), this.#options.makeTable()]);
  }

  /**
   * Serves from `staged` from now on, as a FLUSH then one CHANGE per pair would leave the
   * tables, but in one step: requests see the old tables or the new ones. Policies and
   * optimizers start afresh with the new tables, as after a FLUSH.
   */
  swap(staged: StagedTables): void {
    this.#tables = staged.tables;
    this.#optimizers = [
      this.#options.makeOptimizer(staged.tables[0]),
      this.#options.makeOptimizer(staged.tables[1]),
    ];
  }

  /** (lambda, destination) pairs in table #0. */
  get size(): number {
    return this.#tables[OVERALL_TABLE].size;
  }

  /** The table a request uses: #1 when it was already forwarded, #0 when it came from a client. */
  tableFor(forward: boolean): TableId {
    return forward ? FINAL_TABLE : OVERALL_TABLE;
  }

  /** Picks a destination; throws NoDestinations, whose text becomes the RunLambda retcode. */
  select(lambda: string, forward: boolean): string {
    return this.#tables[this.tableFor(forward)].select(lambda);
  }

  /**
   * A successful call through `destination`, `seconds` long, told to the policy then the
   * optimizer of the table that chose it. `alone` (default: `seconds`, a call that ran alone) is
   * its processor-sharing service time (`CallSample`).
   */
  succeeded(
    lambda: string,
    destination: string,
    forward: boolean,
    seconds: number,
    alone = seconds,
  ): boolean {
    const id = this.tableFor(forward);
    this.#tables[id].observed(lambda, destination, { seconds, alone });
    return this.#optimizers[id].observe(lambda, destination, seconds);
  }

  /** Drops a failed destination of a lambda from both tables (reference §3.3 step 6). */
  evict(lambda: string, destination: string): void {
    for (const table of this.#tables) table.remove(lambda, destination);
  }

  /**
   * Takes a destination out of every lambda of both tables, returning what was there so that
   * `restore` can put it back for a probe (an unreachable computer is unreachable for all its
   * lambdas).
   */
  eject(destination: string): EjectedRoute[] {
    const ejected: EjectedRoute[] = [];
    this.#tables.forEach((table, id) => {
      for (const row of table.rows()) {
        if (row.destination !== destination) continue;
        ejected.push({
          table: id as TableId,
          lambda: row.lambda,
          weight: row.weight,
          final: row.final,
        });
        table.remove(row.lambda, destination);
      }
    });
    return ejected;
  }

  /** Puts ejected routes back, except where the controller has installed the pair anew since. */
  restore(destination: string, routes: readonly EjectedRoute[]): void {
    for (const route of routes) {
      const table = this.#tables[route.table];
      if (table.has(route.lambda, destination)) continue;
      table.change(route.lambda, destination, route.weight, route.final);
    }
  }

  /** GetTable: the rows of table `id`, sorted; an unknown id is an empty list, not an error. */
  rows(id: number): TableRow[] {
    return id === OVERALL_TABLE || id === FINAL_TABLE ? this.#tables[id].rows() : [];
  }

  /** Runs the optimizers' periodic work that is due (the I/O layer owns the timer). */
  poll(): [PollReport, PollReport] {
    return [this.#optimizers[0].poll(), this.#optimizers[1].poll()];
  }

  /** The earliest time (ms on the optimizers' clock) poll() has work, if any. */
  nextDueAt(): number | undefined {
    const times = this.#optimizers
      .map((o) => o.nextDueAt())
      .filter((t): t is number => t !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
  }
}

/** Tables a snapshot is built in while the old ones serve (RouterTables.stage). */
export class StagedTables {
  constructor(readonly tables: readonly [ForwardingTable, ForwardingTable]) {}

  /** As RouterTables.applyChanges, on these tables. */
  apply(changes: readonly RouteChangeSet[]): void {
    applyTo(this.tables, changes);
  }
}

function applyTo(
  [overall, final]: readonly [ForwardingTable, ForwardingTable],
  changes: readonly RouteChangeSet[],
  removed?: (lambda: string, destination: string) => void,
): void {
  for (const change of changes) {
    const { destination, weight } = change;
    for (const lambda of change.lambdas) {
      if (change.remove) {
        final.remove(lambda, destination);
        if (overall.remove(lambda, destination)) removed?.(lambda, destination);
      } else {
        overall.change(lambda, destination, weight, change.final);
        if (change.final) final.change(lambda, destination, weight, true);
        else final.remove(lambda, destination);
      }
    }
  }
}
