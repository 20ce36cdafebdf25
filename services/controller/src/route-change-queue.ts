import type { RouteEntry, RouterOp } from "./install-plan.js";

/**
 * One group of a table-sync batch: the same change of (lambda, destination) for each lambda.
 * Shared between routers (and batches) when it stands for one whole operation: never mutated.
 */
export interface RouteChangeSet {
  readonly destination: string;
  readonly lambdas: readonly string[];
  readonly weight: number;
  readonly final: boolean;
  readonly remove: boolean;
}

/** What one `take` found at the head of the queue. */
export interface TakenChanges {
  /** The changes began with a flush: they start a snapshot (the whole table from nothing). */
  readonly snapshot: boolean;
  /** Each pair once, grouped by destination, weight, final and remove. */
  readonly changes: RouteChangeSet[];
  /** Pairs taken off the queue (before coalescing). */
  readonly pairs: number;
}

const REMOVED = Symbol("removed");

/**
 * One router's forwarding-table operations not sent yet, as the installer planned them. Pushing
 * is O(operations), not O(pairs): a computer's announcement hands every router the same entry
 * list, and nothing is copied until a batch is taken. Taking coalesces: a pair changed several
 * times within a batch goes once, as it ends. A flush drops everything queued before it, since
 * the full table follows it; so a flush is only ever at the head.
 */
export class RouteChangeQueue {
  #ops: RouterOp[] = [];
  #head = 0;
  /** Pairs of the head operation already taken (an operation may span batches). */
  #offset = 0;
  #pairs = 0;

  /** Pairs queued (a flush counts none). */
  get pairs(): number {
    return this.#pairs;
  }

  /** Operations queued as Configure would count them: a pair each, and a flush. */
  get operations(): number {
    return this.#pairs + (this.#ops[this.#head]?.kind === "flush" ? 1 : 0);
  }

  get empty(): boolean {
    return this.#head >= this.#ops.length;
  }

  push(ops: readonly RouterOp[]): void {
    let start = 0;
    for (let i = ops.length - 1; i >= 0; i--) {
      if (ops[i]?.kind === "flush") {
        this.clear();
        start = i;
        break;
      }
    }
    for (let i = start; i < ops.length; i++) {
      const op = ops[i] as RouterOp;
      this.#ops.push(op);
      this.#pairs += size(op);
    }
  }

  clear(): void {
    this.#ops = [];
    this.#head = 0;
    this.#offset = 0;
    this.#pairs = 0;
  }

  /** Empties the queue and returns what it held as operations, the head one cut where `take` left it. */
  drain(): RouterOp[] {
    const ops = this.#ops.slice(this.#head);
    const head = ops[0];
    if (this.#offset > 0 && head !== undefined) {
      if (head.kind === "change")
        ops[0] = { kind: "change", entries: head.entries.slice(this.#offset) };
      else if (head.kind === "remove") {
        ops[0] = { ...head, lambdas: head.lambdas.slice(this.#offset) };
      }
    }
    this.clear();
    return ops;
  }

  /** Takes up to `maxPairs` pairs from the head, in order (at least one operation's worth if any). */
  take(maxPairs: number): TakenChanges {
    let snapshot = false;
    if (this.#ops[this.#head]?.kind === "flush") {
      snapshot = true;
      this.#head++;
    }
    const slices: Slice[] = [];
    let taken = 0;
    while (taken < maxPairs && this.#head < this.#ops.length) {
      const op = this.#ops[this.#head] as RouterOp;
      if (op.kind === "flush") break; // not reached: push keeps flushes at the head
      const total = size(op);
      const end = Math.min(total, this.#offset + (maxPairs - taken));
      slices.push({ op, from: this.#offset, to: end, whole: this.#offset === 0 && end === total });
      taken += end - this.#offset;
      if (end < total) {
        this.#offset = end;
      } else {
        this.#head++;
        this.#offset = 0;
      }
    }
    this.#pairs -= taken;
    this.#compact();
    return { snapshot, changes: sharedChanges(slices) ?? coalesced(slices), pairs: taken };
  }

  // A moving head, compacted now and then: no O(n) shift per batch.
  #compact(): void {
    if (this.#head >= this.#ops.length) {
      this.#ops = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#ops.length) {
      this.#ops = this.#ops.slice(this.#head);
      this.#head = 0;
    }
  }
}

function size(op: RouterOp): number {
  switch (op.kind) {
    case "flush":
      return 0;
    case "change":
      return op.entries.length;
    case "remove":
      return op.lambdas.length;
  }
}

/** Part of one queued operation, taken into a batch. */
interface Slice {
  readonly op: Exclude<RouterOp, { kind: "flush" }>;
  readonly from: number;
  readonly to: number;
  readonly whole: boolean;
}

/**
 * The operation as one RouteChangeSet, if it is one: a computer's pairs (one destination, one
 * weight and final flag, each lambda once) or their removal. Computed once per operation, which
 * the installer hands to every router: the same object then goes into every router's batch, and
 * is encoded once (RouteChangeEncoder).
 */
const asSet = new WeakMap<RouterOp, RouteChangeSet | null>();

function oneSet(op: Exclude<RouterOp, { kind: "flush" }>): RouteChangeSet | null {
  let set = asSet.get(op);
  if (set !== undefined) return set;
  set = null;
  if (op.kind === "remove") {
    if (new Set(op.lambdas).size === op.lambdas.length) {
      const { destination, lambdas } = op;
      set = { destination, lambdas, weight: 0, final: false, remove: true };
    }
  } else {
    const first = op.entries[0];
    if (
      first !== undefined &&
      op.entries.every(
        (e) =>
          e.destination === first.destination &&
          e.weight === first.weight &&
          e.final === first.final,
      ) &&
      new Set(op.entries.map((e) => e.lambda)).size === op.entries.length
    ) {
      const { destination, weight, final } = first;
      set = { destination, lambdas: op.entries.map((e) => e.lambda), weight, final, remove: false };
    }
  }
  asSet.set(op, set);
  return set;
}

/**
 * The batch as shared sets, when each slice is a whole operation of one set and no destination
 * comes twice (so no pair does): the common case of a burst of announcements.
 */
function sharedChanges(slices: readonly Slice[]): RouteChangeSet[] | undefined {
  const changes: RouteChangeSet[] = [];
  const destinations = new Set<string>();
  for (const slice of slices) {
    if (!slice.whole) return undefined;
    const set = oneSet(slice.op);
    if (set === null || destinations.has(set.destination)) return undefined;
    destinations.add(set.destination);
    changes.push(set);
  }
  return changes;
}

/** Each pair once, as its last change in the batch left it, grouped per destination. */
function coalesced(slices: readonly Slice[]): RouteChangeSet[] {
  // destination → lambda → its last change (REMOVED for a removal). Nested maps keyed by the
  // installer's own strings: no key is built per pair.
  const byDestination = new Map<string, Map<string, RouteEntry | typeof REMOVED>>();
  const forDestination = (destination: string) => {
    let lambdas = byDestination.get(destination);
    if (lambdas === undefined) {
      lambdas = new Map();
      byDestination.set(destination, lambdas);
    }
    return lambdas;
  };
  for (const { op, from, to } of slices) {
    if (op.kind === "remove") {
      const map = forDestination(op.destination);
      for (let i = from; i < to; i++) map.set(op.lambdas[i] as string, REMOVED);
    } else {
      let destination: string | undefined;
      let map: Map<string, RouteEntry | typeof REMOVED> | undefined;
      for (let i = from; i < to; i++) {
        const entry = op.entries[i] as RouteEntry;
        if (entry.destination !== destination || map === undefined) {
          destination = entry.destination;
          map = forDestination(destination);
        }
        map.set(entry.lambda, entry);
      }
    }
  }
  return group(byDestination);
}

/** Groups each destination's pairs by what happens to them (usually one group: a computer's). */
function group(
  byDestination: Map<string, Map<string, RouteEntry | typeof REMOVED>>,
): RouteChangeSet[] {
  const changes: RouteChangeSet[] = [];
  for (const [destination, lambdas] of byDestination) {
    const groups: (RouteChangeSet & { lambdas: string[] })[] = [];
    for (const [lambda, change] of lambdas) {
      const remove = change === REMOVED;
      const weight = remove ? 0 : change.weight;
      const final = remove ? false : change.final;
      let found: (RouteChangeSet & { lambdas: string[] }) | undefined;
      for (const g of groups) {
        if (g.remove === remove && g.weight === weight && g.final === final) {
          found = g;
          break;
        }
      }
      if (found === undefined)
        groups.push({ destination, lambdas: [lambda], weight, final, remove });
      else found.lambdas.push(lambda);
    }
    for (const g of groups) changes.push(g);
  }
  return changes;
}
