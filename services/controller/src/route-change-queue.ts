import type { RouterOp } from "./install-plan.js";

/** One group of a table-sync batch: the same change of (lambda, destination) for each lambda. */
export interface RouteChangeSet {
  readonly destination: string;
  readonly lambdas: string[];
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

interface PairChange {
  readonly lambda: string;
  readonly destination: string;
  readonly weight: number;
  readonly final: boolean;
  readonly remove: boolean;
}

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
    const byPair = new Map<string, PairChange>();
    let taken = 0;
    while (taken < maxPairs && this.#head < this.#ops.length) {
      const op = this.#ops[this.#head] as RouterOp;
      if (op.kind === "flush") break; // not reached: push keeps flushes at the head
      const total = size(op);
      const end = Math.min(total, this.#offset + (maxPairs - taken));
      for (let i = this.#offset; i < end; i++) {
        const change = pairChange(op, i);
        const key = `${change.lambda.length}:${change.lambda}${change.destination}`;
        // Re-inserted, so that the group order follows the last change of each pair.
        byPair.delete(key);
        byPair.set(key, change);
      }
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
    return { snapshot, changes: group(byPair.values()), pairs: taken };
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

function pairChange(op: Exclude<RouterOp, { kind: "flush" }>, i: number): PairChange {
  if (op.kind === "remove") {
    return {
      lambda: op.lambdas[i] as string,
      destination: op.destination,
      weight: 0,
      final: false,
      remove: true,
    };
  }
  const entry = op.entries[i] as (typeof op.entries)[number];
  return { ...entry, remove: false };
}

function group(changes: Iterable<PairChange>): RouteChangeSet[] {
  const groups = new Map<string, RouteChangeSet>();
  for (const change of changes) {
    const key = change.remove
      ? `-${change.destination}`
      : `${change.final ? "F" : "N"}${change.weight} ${change.destination}`;
    const existing = groups.get(key);
    if (existing === undefined) {
      const { destination, weight, final, remove } = change;
      groups.set(key, { destination, lambdas: [change.lambda], weight, final, remove });
    } else {
      existing.lambdas.push(change.lambda);
    }
  }
  return [...groups.values()];
}
