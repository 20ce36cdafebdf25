import type { TableRow } from "@soe/reference";
import type { CallSample } from "./destination-load.js";
import {
  InvalidDestination,
  InvalidWeight,
  InvalidWeightFactor,
  NoDestinations,
} from "./forwarding-table-errors.js";
import type { Destination, SelectionPolicy, SelectionPolicyFactory } from "./selection-policy.js";
import { compareText } from "./text-order.js";

export type { TableRow };

interface MutableDestination {
  readonly destination: string;
  weight: number;
  final: boolean;
}

interface Entry {
  /** Insertion order matters: several policies break ties by it. */
  readonly destinations: MutableDestination[];
  /** The same destinations by name: a lambda offered by 1,000 computers must not be scanned per change. */
  readonly byName: Map<string, MutableDestination>;
  readonly policy: SelectionPolicy;
}

/**
 * A router's forwarding table (reference §3.1): lambda → destinations with weights (costs, lower
 * is better) and final flags, each lambda with its own selection-policy state. Not thread-safe,
 * and needs not be: Node runs it on one thread, and no method awaits.
 */
export class ForwardingTable {
  readonly #entries = new Map<string, Entry>();

  /** `type` is the policy's conf name (`random`, `round-robin`, …), for logs. */
  constructor(
    readonly type: string,
    private readonly makePolicy: SelectionPolicyFactory,
  ) {}

  /** Adds the pair or updates its weight and final flag (a Configure CHANGE). */
  change(lambda: string, destination: string, weight: number, final: boolean): void {
    checkNotNegative(weight);
    if (destination === "" || !(weight > 0)) throw new InvalidDestination(destination, weight);

    let entry = this.#entries.get(lambda);
    if (entry === undefined) {
      entry = { destinations: [], byName: new Map(), policy: this.makePolicy() };
      this.#entries.set(lambda, entry);
    }
    const existing = entry.byName.get(destination);
    if (existing === undefined) {
      const added = { destination, weight, final };
      entry.destinations.push(added);
      entry.byName.set(destination, added);
      entry.policy.added(destination, entry.destinations);
    } else {
      existing.weight = weight;
      existing.final = final;
      entry.policy.weightChanged(destination, "install", entry.destinations);
    }
  }

  /**
   * Updates the weight of an existing pair only (the reference's three-argument `change`, used by
   * the optimizers). Weight 0 is an InvalidDestination, as in the reference (§10).
   */
  updateWeight(lambda: string, destination: string, weight: number): void {
    checkNotNegative(weight);
    if (!(weight > 0)) throw new InvalidDestination(destination, weight);
    const [entry, found] = this.#find(lambda, destination);
    found.weight = weight;
    entry.policy.weightChanged(destination, "measurement", entry.destinations);
  }

  /** weight ×= factor. */
  multiply(lambda: string, destination: string, factor: number): void {
    if (!(factor > 0) || !Number.isFinite(factor)) throw new InvalidWeightFactor(factor);
    const [entry, found] = this.#find(lambda, destination);
    found.weight *= factor;
    entry.policy.weightChanged(destination, "measurement", entry.destinations);
  }

  /**
   * Drops one pair; an entry left without destinations is deleted. Returns false if the pair was
   * not there (not an error: the reference's REMOVE of an unknown pair is harmless).
   */
  remove(lambda: string, destination: string): boolean {
    const entry = this.#entries.get(lambda);
    const found = entry?.byName.get(destination);
    if (entry === undefined || found === undefined) return false;
    entry.destinations.splice(entry.destinations.indexOf(found), 1);
    entry.byName.delete(destination);
    if (entry.destinations.length === 0) {
      this.#entries.delete(lambda);
    } else {
      entry.policy.removed(destination, entry.destinations);
    }
    return true;
  }

  /** Drops all destinations of a lambda; false if it had none. */
  removeLambda(lambda: string): boolean {
    return this.#entries.delete(lambda);
  }

  flush(): void {
    this.#entries.clear();
  }

  /** Picks a destination for the lambda with the table's policy. */
  select(lambda: string): string {
    const entry = this.#entries.get(lambda);
    if (entry === undefined) throw new NoDestinations();
    return entry.policy.select(entry.destinations);
  }

  /** A successful call through the pair, for policies that learn from calls (O(1)). */
  observed(lambda: string, destination: string, sample: CallSample): void {
    this.#entries.get(lambda)?.policy.observed?.(destination, sample);
  }

  has(lambda: string, destination?: string): boolean {
    const entry = this.#entries.get(lambda);
    if (entry === undefined) return false;
    return destination === undefined || entry.byName.has(destination);
  }

  /** The pair as held, if it is. */
  get(lambda: string, destination: string): Destination | undefined {
    const found = this.#entries.get(lambda)?.byName.get(destination);
    return found === undefined ? undefined : { ...found };
  }

  /** The destinations of a lambda in insertion order (empty if unknown). */
  destinations(lambda: string): readonly Destination[] {
    return (this.#entries.get(lambda)?.destinations ?? []).map((d) => ({ ...d }));
  }

  /** Every pair, unsorted (cheaper than rows() where order does not matter). */
  *pairs(): IterableIterator<TableRow> {
    for (const [lambda, entry] of this.#entries) {
      for (const { destination, weight, final } of entry.destinations) {
        yield { lambda, destination, weight, final };
      }
    }
  }

  /** Number of (lambda, destination) pairs. */
  get size(): number {
    let size = 0;
    for (const entry of this.#entries.values()) size += entry.destinations.length;
    return size;
  }

  /** Every pair, sorted by lambda then destination (what GetTable returns and dumps print). */
  rows(): TableRow[] {
    const rows: TableRow[] = [];
    for (const lambda of [...this.#entries.keys()].sort(compareText)) {
      const destinations = this.#entries.get(lambda)?.destinations ?? [];
      const sorted = [...destinations].sort((a, b) => compareText(a.destination, b.destination));
      for (const { destination, weight, final } of sorted) {
        rows.push({ lambda, destination, weight, final });
      }
    }
    return rows;
  }

  #find(lambda: string, destination: string): [Entry, MutableDestination] {
    const entry = this.#entries.get(lambda);
    if (entry === undefined) throw new NoDestinations();
    const found = entry.byName.get(destination);
    if (found === undefined) throw new NoDestinations(destination);
    return [entry, found];
  }
}

// NaN and infinities are rejected too: a weight is a finite cost (the reference, using C++ float
// comparisons, would let them through and corrupt the weighted-random sums).
function checkNotNegative(weight: number): void {
  if (weight < 0 || !Number.isFinite(weight)) throw new InvalidWeight(weight);
}
