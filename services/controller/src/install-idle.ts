import { type Scheduler, timerScheduler } from "@soe/runtime";

/**
 * Lets a caller wait until no router has forwarding-table operations pending: how PutEntity
 * knows the routes of an action it just applied are installed (read-your-writes). The install
 * queues' `idle` listener calls `idle()`; `busy` reads the queues.
 */
export class InstallIdleSignal {
  readonly #busy: () => boolean;
  readonly #schedule: Scheduler;
  readonly #waiters = new Set<() => void>();

  constructor(busy: () => boolean, schedule: Scheduler = timerScheduler) {
    this.#busy = busy;
    this.#schedule = schedule;
  }

  /** A router's queue emptied. */
  idle(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Resolves true once every queue is empty, false if one still is not after `timeoutMs`. */
  wait(timeoutMs: number): Promise<boolean> {
    if (!this.#busy()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (settled: boolean) => {
        this.#waiters.delete(check);
        cancel();
        resolve(settled);
      };
      const check = () => {
        if (!this.#busy()) done(true);
      };
      const cancel = this.#schedule(timeoutMs, () => done(false));
      this.#waiters.add(check);
    });
  }
}
