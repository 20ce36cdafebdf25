import type { CallSample } from "./destination-load.js";

/** One destination of a lambda, as a forwarding table holds it (reference §3.1). */
export interface Destination {
  readonly destination: string;
  /** A cost: a latency in seconds once learned, 1.0 when installed by the controller. */
  readonly weight: number;
  /** True for a computer; false for another router (installed by the `hier` controller). */
  readonly final: boolean;
}

/**
 * Where a new weight comes from. `install` is a Configure CHANGE (the controller or
 * forwardingtableclient); `measurement` is an update-only change from a local optimizer.
 * Only least-impedance tells them apart (to know which weights are on the latency scale).
 */
export type WeightSource = "install" | "measurement";

/**
 * The policy-specific state of one lambda's entry: the table keeps the destinations (in insertion
 * order) and their weights, and tells the policy of every change so it can keep its own
 * bookkeeping (deficits, counters, timestamps). `destinations` is always the current list,
 * already including the change being notified.
 */
export interface SelectionPolicy {
  added(destination: string, destinations: readonly Destination[]): void;
  removed(destination: string, destinations: readonly Destination[]): void;
  weightChanged(
    destination: string,
    source: WeightSource,
    destinations: readonly Destination[],
  ): void;
  /**
   * A successful call to `destination`, told before the optimizer turns it into a weight (so a
   * policy sees the sample behind the weight change that may follow). Optional: the reference's
   * policies learned from weights only.
   */
  observed?(destination: string, sample: CallSample): void;
  /** Picks one of `destinations` (never empty) and records the choice if the policy needs to. */
  select(destinations: readonly Destination[]): string;
}

/** Makes the policy state of a new lambda entry. */
export type SelectionPolicyFactory = () => SelectionPolicy;
