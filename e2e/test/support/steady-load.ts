import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import openwhisk from "openwhisk";
import { COPY_LAMBDA, GUEST_KEY } from "../../src/index.js";

export interface SteadyLoadOptions {
  /** Invocations in flight at any time (closed loops). */
  readonly concurrency?: number;
  /** The load stops by itself after this many invocations... */
  readonly maxRequests?: number;
  /** ...or after this long, whichever comes first: a test never loads the machine forever. */
  readonly maxMs?: number;
}

/** What a load saw: answers as expected, and everything else, as text. */
export interface LoadOutcomes {
  ok: number;
  readonly failures: string[];
  /** Total invocations answered (well or not). */
  readonly total: () => number;
}

/**
 * The seed scenario's traffic under steady load: `copy` with `{"input":"hello"}` through the
 * proxy with the official openwhisk client, back to back from a few loops. An invocation counts
 * as ok only if it returns exactly `{"payload":"hello"}`.
 */
export class SteadyLoad {
  readonly outcomes: LoadOutcomes;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 16 });
  readonly #client: openwhisk.Client;
  readonly #loops: Promise<void>[];
  #running = true;

  constructor(apihost: string, options: SteadyLoadOptions = {}) {
    const failures: string[] = [];
    this.outcomes = { ok: 0, failures, total: () => this.outcomes.ok + failures.length };
    this.#client = openwhisk({ apihost, api_key: GUEST_KEY, agent: this.#agent });
    const maxRequests = options.maxRequests ?? 5_000;
    const until = Date.now() + (options.maxMs ?? 60_000);
    this.#loops = Array.from({ length: options.concurrency ?? 4 }, () =>
      this.#loop(() => this.outcomes.total() < maxRequests && Date.now() < until),
    );
  }

  /** Waits until `check` holds; fails if the load ends first or after `timeoutMs`. */
  async until(what: string, check: (o: LoadOutcomes) => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.outcomes)) {
      if (!this.#running || Date.now() > deadline) {
        throw new Error(`load: ${what} not reached (${describe(this.outcomes)})`);
      }
      await sleep(20);
    }
  }

  async stop(): Promise<LoadOutcomes> {
    this.#running = false;
    await Promise.all(this.#loops);
    this.#agent.destroy();
    return this.outcomes;
  }

  async #loop(more: () => boolean): Promise<void> {
    while (this.#running && more()) {
      try {
        const result = await this.#client.actions.invoke({
          name: COPY_LAMBDA,
          blocking: true,
          result: true,
          params: { input: "hello" },
        });
        if (JSON.stringify(result) === '{"payload":"hello"}') this.outcomes.ok++;
        else this.outcomes.failures.push(`unexpected result ${JSON.stringify(result)}`);
      } catch (error) {
        this.outcomes.failures.push(String((error as Error).message ?? error));
      }
    }
    this.#running = false;
  }
}

export function describe(o: LoadOutcomes): string {
  const sample = o.failures.slice(0, 3).join(" | ");
  return `${o.ok} ok, ${o.failures.length} failed${sample ? `: ${sample}` : ""}`;
}
