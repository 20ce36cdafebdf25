/** A registration's lease on the controller's monotonic clock (DESIGN §4). */
export interface Lease {
  /** ms on the clock of the last registration or refresh (the read APIs show the lease's age). */
  readonly refreshedAt: number;
  /** ms on the clock; Infinity when the lease never expires (ttl 0). */
  readonly expiresAt: number;
}

/** A lease starting `now` for `ttlMs`; 0 = it never expires (reference peers announce once). */
export function startLease(now: number, ttlMs: number): Lease {
  return { refreshedAt: now, expiresAt: ttlMs === 0 ? Number.POSITIVE_INFINITY : now + ttlMs };
}

/** Whether a lease has run out at `now`: it holds up to, not including, its expiry. */
export function leaseExpired(lease: Lease, now: number): boolean {
  return lease.expiresAt <= now;
}
