import type { Socket } from "node:net";

/**
 * Every socket a server accepted and has not yet seen close, so closing the server can wait for
 * them (by event, not by polling) and cut the ones that outstay the drain time.
 */
export class OpenConnections {
  private readonly sockets = new Set<Socket>();
  private readonly emptyWaiters: Array<() => void> = [];

  add(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) for (const wake of this.emptyWaiters.splice(0)) wake();
    });
  }

  get size(): number {
    return this.sockets.size;
  }

  [Symbol.iterator](): IterableIterator<Socket> {
    return this.sockets.values();
  }

  /** Resolves once every socket has closed. */
  whenEmpty(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}
