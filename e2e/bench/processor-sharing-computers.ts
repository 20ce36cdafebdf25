/**
 * The computers of the routing-quality bench: the built `edgecomputer` with a JSON profile
 * (`--conf type=file,path=…`) of ONE single-core processor and a container with many workers,
 * running a lambda of fixed cost. Reference §5.1: n tasks on a processor of C cores each progress
 * at min(C, n)·S/n ops/s, so with C = 1 every running call slows down as more run at once
 * (processor sharing, an M/G/1-PS queue). The workers must be many: with few, calls would wait in
 * the container's FIFO instead (a queue of one server, not processor sharing); memory is ample
 * for the same reason (a task that does not fit waits too).
 */
export interface ComputerKind {
  /** Names the computer in logs and reports ("fast", "slow"). */
  readonly name: string;
  /** Time of one call with nothing else running, ms (the model's; the RPC adds to it). */
  readonly serviceMs: number;
}

/** The lambda the routers route. */
export const ROUTED_LAMBDA = "qlambda";
/**
 * Work sent straight to a computer, not through a router, on the same processor as the routed
 * lambda: background load that slows the routed calls down (case 3's step). Each background call
 * costs BACKGROUND_SIZE routed calls, so the same background utilisation takes that many times
 * fewer calls (and CPU of this machine); processor sharing is insensitive to job sizes, so a
 * routed call still takes x/(1 − ρ) on average, ρ counting both kinds of work.
 */
export const BACKGROUND_LAMBDA = "background";
export const BACKGROUND_SIZE = 20;

/** Operations of one call: with speed S ops/s, a call alone takes OPS / S seconds. */
const OPS = 1e6;
/** Calls running at once per computer before any has to wait: far above any load the bench offers. */
export const WORKERS = 100_000;
const TASK_MEMORY = 1000;

/** The JSON profile that realises `kind`: one core, WORKERS workers per lambda. */
export function processorSharingProfile(kind: ComputerKind): string {
  const lambda = (name: string, size: number) => ({
    name,
    requirements: "fixed",
    ops: OPS * size,
    mem: TASK_MEMORY,
    "output-type": "fixed",
    "output-value": "done",
  });
  const profile = {
    version: "1.0",
    processors: [
      {
        name: "cpu",
        type: "GenericCpu",
        speed: OPS / (kind.serviceMs / 1000),
        cores: 1,
        // Twice what every worker of both containers could hold: memory never makes a call wait.
        memory: 2 * 2 * WORKERS * TASK_MEMORY,
      },
    ],
    containers: [
      {
        name: "routed",
        processor: "cpu",
        "num-workers": WORKERS,
        lambda: lambda(ROUTED_LAMBDA, 1),
      },
      {
        name: "background",
        processor: "cpu",
        "num-workers": WORKERS,
        lambda: lambda(BACKGROUND_LAMBDA, BACKGROUND_SIZE),
      },
    ],
  };
  return `${JSON.stringify(profile, null, 2)}\n`;
}
