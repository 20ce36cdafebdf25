import { createServer } from "node:net";

/** Loopback: the domain's processes talk to each other on this host only. */
export const LOOPBACK = "127.0.0.1";

/**
 * Binds `port` on `host` and releases it at once. Resolves to the port the kernel gave (the
 * same one unless `port` is 0), or undefined when the port is taken.
 */
function probe(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(undefined);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** Whether `port` can be bound on `host` right now. */
export async function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return (await probe(host, port)) === port;
}

/**
 * Hands out free ports: bind port 0, read the port, release it. The kernel may give the same
 * released port twice in a row, and the processes bind their ports only later, so every port
 * handed out is remembered and a repeat is drawn again (a few times, then it is an error).
 */
export class PortAllocator {
  readonly #host: string;
  readonly #given = new Set<number>();

  constructor(host = LOOPBACK) {
    this.#host = host;
  }

  /** Marks fixed ports as used, so that no free port collides with them. */
  reserve(port: number): void {
    this.#given.add(port);
  }

  async next(attempts = 20): Promise<number> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const port = await probe(this.#host, 0);
      if (port !== undefined && !this.#given.has(port)) {
        this.#given.add(port);
        return port;
      }
    }
    throw new Error(`no free port on ${this.#host} after ${attempts} attempts`);
  }
}
