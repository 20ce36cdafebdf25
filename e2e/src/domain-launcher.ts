import { ProcessSupervisor, type SupervisorOptions } from "./process-supervisor.js";
import { allocatePorts, type PortBook, type Topology } from "./topology.js";

/** A running topology: its ports, and the supervisor that started (and stops) its processes. */
export interface Domain {
  readonly topology: Topology;
  readonly ports: PortBook;
  readonly supervisor: ProcessSupervisor;
  /** Stops every process, the last started first. */
  stop(): Promise<void>;
}

export interface LaunchOptions extends SupervisorOptions {
  /** Stops the start between two processes (Ctrl-C while `pnpm dev` starts). */
  readonly signal?: AbortSignal;
}

/**
 * Decides the ports, then starts the processes one after another in the topology's order, each
 * ready before the next starts (a router announces to a controller that already listens). If
 * one fails, the ones already started are stopped and the error says why.
 */
export async function launchDomain(
  topology: Topology,
  options: LaunchOptions = {},
): Promise<Domain> {
  const ports = await allocatePorts(topology);
  const supervisor = new ProcessSupervisor(ports, options);
  try {
    for (const spec of topology.processes) {
      options.signal?.throwIfAborted();
      await supervisor.start(spec);
    }
  } catch (error) {
    await supervisor.stopAll();
    throw error;
  }
  return { topology, ports, supervisor, stop: () => supervisor.stopAll() };
}
