import type { RouterInstalls } from "./control-plane.js";
import type { RouterQueueStatus } from "./router-install-queue.js";
import type { RouterTableSync } from "./router-table-sync.js";

/**
 * The routers' installation, run by the leader alone (issue 13): between `start` and `stop` a
 * table sync of its own (a fresh epoch per term) takes the plane's operations; outside, they are
 * dropped, since the leader installs them from the same shared state. A new term re-installs
 * every router whole (the plane's `resyncAll`): the routers hold the previous leader's epoch.
 */
export class LeaderInstalls implements RouterInstalls {
  readonly #make: () => RouterTableSync;
  #current: RouterTableSync | undefined;

  constructor(make: () => RouterTableSync) {
    this.#make = make;
  }

  get active(): boolean {
    return this.#current !== undefined;
  }

  start(): void {
    this.#current ??= this.#make();
  }

  /** Ends the term: calls in flight are cancelled. */
  async stop(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    await current?.close();
  }

  enqueue(...args: Parameters<RouterTableSync["enqueue"]>): void {
    this.#current?.enqueue(...args);
  }

  replace(...args: Parameters<RouterTableSync["replace"]>): void {
    this.#current?.replace(...args);
  }

  resync(router: string): void {
    this.#current?.resync(router);
  }

  contact(router: string): void {
    this.#current?.contact(router);
  }

  drop(router: string): void {
    this.#current?.drop(router);
  }

  status(router: string): RouterQueueStatus {
    return this.#current?.status(router) ?? { pending: 0, failures: 0 };
  }

  /** Routers with operations pending (none on a standby). */
  routers(): string[] {
    return this.#current?.routers() ?? [];
  }
}
