/**
 * The two simulated computers of the routing-quality bench: one processor each, one container
 * with `workers` workers running the same lambda, the fast processor `speedup` times the slow
 * one. Requirements are fixed (`ops` per call whatever the input), so a call's service time is
 * ops / speed: an M/D/c queue per computer, where the routing decides the queueing.
 */
export interface ComputerModel {
  readonly name: string;
  /** Service time of one call, ms. */
  readonly serviceMs: number;
  readonly workers: number;
  /** Calls per second it can serve: min(cores, workers) × speed / ops. */
  readonly capacity: number;
  /** The JSON profile file (`--conf type=file,path=…`) that realises the model. */
  readonly profile: string;
}

export const ROUTED_LAMBDA = "qlambda";

/** Operations of one call: with speed in ops/s, service time = OPS / speed seconds. */
const OPS = 1e6;

export function computerModel(name: string, serviceMs: number, workers: number): ComputerModel {
  const speed = OPS / (serviceMs / 1000);
  // As many cores as workers: each active call runs at full speed (reference §5.1's processor
  // sharing would otherwise slow every call down as more run at once).
  const cores = workers;
  const profile = {
    version: "1.0",
    processors: [{ name: "cpu", type: "GenericCpu", speed, cores, memory: 1e9 }],
    containers: [
      {
        name: "qcontainer",
        processor: "cpu",
        "num-workers": workers,
        lambda: {
          name: ROUTED_LAMBDA,
          requirements: "fixed",
          ops: OPS,
          mem: 1000,
          "output-type": "fixed",
          "output-value": "done",
        },
      },
    ],
  };
  return {
    name,
    serviceMs,
    workers,
    capacity: (Math.min(cores, workers) * speed) / OPS,
    profile: `${JSON.stringify(profile, null, 2)}\n`,
  };
}

/**
 * Mean sojourn time (ms) of an M/D/1 queue at `rate` calls/s (Pollaczek-Khinchine), for the
 * one-worker case; NaN when the queue is unstable or has several workers.
 */
export function mD1MeanMs(model: ComputerModel, rate: number): number {
  const rho = rate / model.capacity;
  if (model.workers !== 1 || rho >= 1) return Number.NaN;
  const service = model.serviceMs;
  return service + (rho * service) / (2 * (1 - rho));
}
