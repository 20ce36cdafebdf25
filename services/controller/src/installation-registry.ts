import { compareText } from "@soe/runtime";
import { type Lease, leaseExpired, startLease } from "./lease.js";

/** A wsk-computer serving soe.v1.InstallationService for one OpenWhisk installation. */
export interface InstallationRecord extends Lease {
  readonly endpoint: string;
  /** The OpenWhisk namespace of its key. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Its own lease, ms; 0 = never expires. */
  readonly leaseTtlMs: number;
}

/** What a registration is kept as in the state file: no lease, a restart starts a fresh one. */
export interface SavedInstallation {
  readonly endpoint: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly leaseTtlMs: number;
}

/** "added": new; "changed": its namespace or labels changed; "refreshed": only the lease. */
export type RegistrationChange = "added" | "changed" | "refreshed";

/**
 * The installations the reconciler converges (DESIGN §9), with leases like computers' (DESIGN §4)
 * but each with the ttl its wsk-computer asks for. No I/O; expired registrations are collected by
 * `expire()` on the controller's monotonic clock.
 */
export class InstallationRegistry {
  readonly #clock: () => number;
  readonly #installations = new Map<string, InstallationRecord>();

  constructor(options: { readonly clock: () => number }) {
    this.#clock = options.clock;
  }

  register(installation: SavedInstallation): RegistrationChange {
    const { endpoint, namespace, leaseTtlMs } = installation;
    const labels = { ...installation.labels };
    const existing = this.#installations.get(endpoint);
    this.#installations.set(endpoint, {
      endpoint,
      namespace,
      labels,
      leaseTtlMs,
      ...startLease(this.#clock(), leaseTtlMs),
    });
    if (existing === undefined) return "added";
    return existing.namespace === namespace && sameLabels(existing.labels, labels)
      ? "refreshed"
      : "changed";
  }

  /** Returns whether it was registered. */
  unregister(endpoint: string): boolean {
    return this.#installations.delete(endpoint);
  }

  /** Removes the installations whose lease has run out; returns them. */
  expire(): InstallationRecord[] {
    const now = this.#clock();
    const expired = this.list().filter((i) => leaseExpired(i, now));
    for (const i of expired) this.#installations.delete(i.endpoint);
    return expired;
  }

  get(endpoint: string): InstallationRecord | undefined {
    return this.#installations.get(endpoint);
  }

  /** Sorted by end-point. */
  list(): InstallationRecord[] {
    return [...this.#installations.values()].sort((a, b) => compareText(a.endpoint, b.endpoint));
  }

  /** The installations serving a namespace, sorted by end-point. */
  serving(namespace: string): InstallationRecord[] {
    return this.list().filter((i) => i.namespace === namespace);
  }

  snapshot(): SavedInstallation[] {
    return this.list().map(({ endpoint, namespace, labels, leaseTtlMs }) => ({
      endpoint,
      namespace,
      labels: { ...labels },
      leaseTtlMs,
    }));
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
  );
}
