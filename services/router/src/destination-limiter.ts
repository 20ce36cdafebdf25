import { Code, ConnectError } from "@connectrpc/connect";

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout | undefined;
}

interface Slots {
  busy: number;
  readonly waiting: Waiter[];
}

/** Gives back a slot; calling it again does nothing, so a slot can never be released twice. */
export type Release = () => void;

/**
 * At most `maxPending` calls in flight per destination (`--router-conf max-pending-clients`; 0 =
 * unlimited); later callers wait in FIFO order until a slot frees or their deadline passes. Every
 * slot is released exactly once, whatever the call's outcome (the reference leaked the slot of
 * every failed call, so a re-announced destination could block forever: §3.3).
 */
export class DestinationLimiter {
  readonly #slots = new Map<string, Slots>();

  constructor(private readonly maxPending: number) {}

  /** Resolves with a release once a slot is free; rejects with DeadlineExceeded after `timeoutMs`. */
  acquire(destination: string, timeoutMs: number | undefined): Promise<Release> | Release {
    if (this.maxPending <= 0) return noop;
    let slots = this.#slots.get(destination);
    if (slots === undefined) {
      slots = { busy: 0, waiting: [] };
      this.#slots.set(destination, slots);
    }
    if (slots.busy < this.maxPending) {
      slots.busy++;
      return this.#release(destination, slots);
    }
    const queue = slots;
    return new Promise<Release>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const at = queue.waiting.indexOf(waiter);
              if (at >= 0) queue.waiting.splice(at, 1);
              reject(
                new ConnectError(
                  `timed out waiting for a free slot towards ${destination}`,
                  Code.DeadlineExceeded,
                ),
              );
            }, timeoutMs);
      const waiter: Waiter = {
        timer,
        grant: () => {
          if (timer !== undefined) clearTimeout(timer);
          resolve(this.#release(destination, queue));
        },
      };
      queue.waiting.push(waiter);
    });
  }

  /** Calls in flight towards a destination (for tests and metrics). */
  pending(destination: string): number {
    return this.#slots.get(destination)?.busy ?? 0;
  }

  waiting(destination: string): number {
    return this.#slots.get(destination)?.waiting.length ?? 0;
  }

  #release(destination: string, slots: Slots): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slots.waiting.shift();
      if (next !== undefined) {
        // The slot passes straight to the next waiter: busy stays the same.
        next.grant();
        return;
      }
      slots.busy--;
      if (slots.busy === 0) this.#slots.delete(destination);
    };
  }
}

const noop: Release = () => {};
