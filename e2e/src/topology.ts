import type { BinaryName } from "./binaries.js";
import { isPortFree, PortAllocator } from "./ports.js";

/**
 * A domain described, not scripted: which processes, the ports each listens on, and the
 * arguments each gets once every port is known (a router needs its controller's port, a proxy
 * its router's). The launcher starts them in order and stops them in reverse.
 */
export interface Topology {
  /** Every process binds and announces this address (loopback for dev and tests). */
  readonly host: string;
  readonly processes: readonly ProcessSpec[];
}

export interface ProcessSpec {
  /** Unique in the topology; the prefix of its log lines. */
  readonly name: string;
  readonly binary: BinaryName;
  /**
   * Ports by role (`main`, `table`, …); 0 = any free port. The `main` port answers `/healthz`
   * (every process of the project does, DESIGN §5) unless `ready` says otherwise.
   */
  readonly ports: Readonly<Record<string, number>>;
  readonly args: (ports: PortBook) => readonly string[];
  /** Added to the launcher's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Readiness; default: `GET http://host:main/healthz` answers 200. Polled until a deadline. */
  readonly ready?: (ports: PortBook) => Promise<boolean>;
}

/** The ports of every process of a topology, once decided; they stay the same across restarts. */
export class PortBook {
  readonly host: string;
  readonly #ports: ReadonlyMap<string, Readonly<Record<string, number>>>;

  constructor(host: string, ports: ReadonlyMap<string, Readonly<Record<string, number>>>) {
    this.host = host;
    this.#ports = ports;
  }

  port(process: string, role = "main"): number {
    const port = this.#ports.get(process)?.[role];
    if (port === undefined) throw new Error(`no port '${role}' for process '${process}'`);
    return port;
  }

  /** `host:port`, the form every option of the project takes. */
  endpoint(process: string, role = "main"): string {
    return `${this.host}:${this.port(process, role)}`;
  }

  url(process: string, role = "main"): string {
    return `http://${this.endpoint(process, role)}`;
  }
}

/**
 * Decides every port: fixed ones are checked free now (a clear error beats a process dying on
 * EADDRINUSE later), zeros get free ports that collide neither with each other nor with the
 * fixed ones.
 */
export async function allocatePorts(topology: Topology): Promise<PortBook> {
  const names = new Set<string>();
  for (const { name } of topology.processes) {
    if (names.has(name)) throw new Error(`two processes are named '${name}'`);
    names.add(name);
  }
  const allocator = new PortAllocator(topology.host);
  const taken: string[] = [];
  for (const spec of topology.processes) {
    for (const [role, port] of Object.entries(spec.ports)) {
      if (port === 0) continue;
      allocator.reserve(port);
      if (!(await isPortFree(port, topology.host))) taken.push(`${spec.name} ${role} ${port}`);
    }
  }
  if (taken.length > 0) {
    throw new Error(
      `ports already in use on ${topology.host}: ${taken.join(", ")} (is another domain running?)`,
    );
  }
  const book = new Map<string, Record<string, number>>();
  for (const spec of topology.processes) {
    const ports: Record<string, number> = {};
    for (const [role, port] of Object.entries(spec.ports)) {
      ports[role] = port === 0 ? await allocator.next() : port;
    }
    book.set(spec.name, ports);
  }
  return new PortBook(topology.host, book);
}
