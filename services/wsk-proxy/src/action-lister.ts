import type { Client } from "@connectrpc/connect";
import { PUBLIC_ACTION_PROCESSOR } from "@soe/openwhisk";
import type { soev1 } from "@soe/proto";

/** A lambda the domain offers, and whether a computer announced it as public. */
export interface LambdaOffer {
  readonly name: string;
  /** An action of a published package: every namespace's key may read and invoke it. */
  readonly public: boolean;
}

/**
 * The lambdas the domain offers right now (fully-qualified OpenWhisk names among them); a bare
 * name is not public.
 */
export type LambdaSource = () => Promise<readonly (string | LambdaOffer)[]>;

/**
 * The controller's read API as a source (soe.v1 ControllerQueryService): ListLambdas for what is
 * offered, ListComputers for which containers the computers announced as public.
 */
export function controllerLambdaSource(
  client: Client<typeof soev1.ControllerQueryService>,
  timeoutMs: number,
): LambdaSource {
  return async () => {
    const [lambdas, computers] = await Promise.all([
      client.listLambdas({}, { timeoutMs }),
      client.listComputers({}, { timeoutMs }),
    ]);
    const published = new Set<string>();
    for (const computer of computers.computers) {
      for (const container of computer.containers) {
        if (container.processor === PUBLIC_ACTION_PROCESSOR) published.add(container.lambda);
      }
    }
    return lambdas.lambdas
      .filter((l) => l.computers.length > 0)
      .map((l) => ({ name: l.name, public: published.has(l.name) }));
  };
}

export interface CatalogEntry {
  readonly name: string;
  /**
   * Epoch ms when this proxy first saw the lambda offered: the domain carries no `updated`
   * time, and OpenWhisk lists the most recently updated first, so new arrivals come first.
   */
  readonly firstSeen: number;
  /** Present (true) when a computer announced it as public (an action of a published package). */
  readonly public?: true;
}

export interface ActionListerOptions {
  /** Undefined when no controller is configured: the domain's offer is then unknown. */
  readonly source: LambdaSource | undefined;
  /** How long one listing is reused: every GET must not become a controller call. */
  readonly ttlMs?: number;
  /** How long a lambda the domain removed stays hidden while computers still announce it. */
  readonly hideMs?: number;
  readonly clock?: () => number;
}

/**
 * What the whole domain offers, from the controller, cached briefly. Concurrent readers share
 * one call; a failed call is not cached, so the next reader tries again.
 */
export class ActionLister {
  readonly #source: LambdaSource | undefined;
  readonly #ttlMs: number;
  readonly #clock: () => number;
  readonly #firstSeen = new Map<string, number>();
  readonly #hideMs: number;
  /** Lambda name → until when it is hidden (clock ms). */
  readonly #hidden = new Map<string, number>();
  #cached: { at: number; entries: readonly CatalogEntry[] } | undefined;
  #pending: Promise<readonly CatalogEntry[]> | undefined;

  constructor(options: ActionListerOptions) {
    this.#source = options.source;
    this.#ttlMs = options.ttlMs ?? 1_000;
    this.#hideMs = options.hideMs ?? 30_000;
    this.#clock = options.clock ?? Date.now;
  }

  get configured(): boolean {
    return this.#source !== undefined;
  }

  /** Every lambda offered; empty without a controller; rejects when the controller fails. */
  async catalog(): Promise<readonly CatalogEntry[]> {
    const source = this.#source;
    if (source === undefined) return [];
    const cached = this.#cached;
    if (cached !== undefined && this.#clock() - cached.at < this.#ttlMs) {
      return this.#visible(cached.entries);
    }
    this.#pending ??= this.#refresh(source).finally(() => {
      this.#pending = undefined;
    });
    return this.#visible(await this.#pending);
  }

  /**
   * Hides a lambda the domain has just removed: the controller offers it until the computers
   * re-announce without it (on their own period), and a client that deleted an action must not
   * read it back. Hidden until a listing no longer has it, or for `hideMs` at most (an action
   * installed again behind the domain's back shows again).
   */
  hide(name: string): void {
    this.#hidden.set(name, this.#clock() + this.#hideMs);
  }

  /** Shows a hidden lambda again at once: the domain has just deployed it anew. */
  reveal(name: string): void {
    this.#hidden.delete(name);
  }

  #visible(entries: readonly CatalogEntry[]): readonly CatalogEntry[] {
    if (this.#hidden.size === 0) return entries;
    const now = this.#clock();
    for (const [name, until] of this.#hidden) if (until <= now) this.#hidden.delete(name);
    return entries.filter((e) => !this.#hidden.has(e.name));
  }

  /**
   * Whether the domain offers `name`; undefined when that cannot be known. A miss in a cached
   * listing is checked again with a fresh one: a lambda announced a moment ago must not be
   * denied for the rest of the cache's life.
   */
  async has(name: string): Promise<boolean | undefined> {
    const source = this.#source;
    if (source === undefined) return undefined;
    const offers = (entries: readonly CatalogEntry[]) => entries.some((e) => e.name === name);
    try {
      const wasCached = this.#cached !== undefined && this.#clock() - this.#cached.at < this.#ttlMs;
      if (offers(await this.catalog())) return true;
      if (!wasCached) return false;
      this.#cached = undefined;
      return offers(await this.catalog());
    } catch {
      // The caller then answers as if the controller were not configured; the failure is
      // reported where a listing needs it (503 on GET .../actions).
      return undefined;
    }
  }

  /**
   * Whether the domain offers `name` as public; false when it cannot be known (the controller
   * failed or is not configured): another namespace's action is then refused as OpenWhisk would
   * refuse a private one.
   */
  async isPublic(name: string): Promise<boolean> {
    if (this.#source === undefined) return false;
    const offers = (entries: readonly CatalogEntry[]) =>
      entries.some((e) => e.name === name && e.public === true);
    try {
      const wasCached = this.#cached !== undefined && this.#clock() - this.#cached.at < this.#ttlMs;
      if (offers(await this.catalog())) return true;
      if (!wasCached) return false;
      // Announced a moment ago, perhaps: as in has(), one fresh listing decides.
      this.#cached = undefined;
      return offers(await this.catalog());
    } catch {
      return false;
    }
  }

  async #refresh(source: LambdaSource): Promise<readonly CatalogEntry[]> {
    const published = new Set<string>();
    const names = [
      ...new Set(
        (await source()).map((offer) => {
          if (typeof offer === "string") return offer;
          if (offer.public) published.add(offer.name);
          return offer.name;
        }),
      ),
    ];
    const now = this.#clock();
    const offered = new Set(names);
    // Forget what left the domain, so a lambda that comes back counts as new.
    for (const name of this.#firstSeen.keys()) if (!offered.has(name)) this.#firstSeen.delete(name);
    for (const name of this.#hidden.keys()) if (!offered.has(name)) this.#hidden.delete(name);
    const entries = names.map((name) => {
      let firstSeen = this.#firstSeen.get(name);
      if (firstSeen === undefined) {
        firstSeen = now;
        this.#firstSeen.set(name, now);
      }
      return published.has(name) ? { name, firstSeen, public: true as const } : { name, firstSeen };
    });
    this.#cached = { at: this.#clock(), entries };
    return entries;
  }
}
