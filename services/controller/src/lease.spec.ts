import { describe, expect, it } from "vitest";
import { leaseExpired, startLease } from "./lease.js";

describe("leases", () => {
  it("hold for their ttl, up to but not including the expiry", () => {
    const lease = startLease(1_000, 300);
    expect(lease).toEqual({ refreshedAt: 1_000, expiresAt: 1_300 });
    expect(leaseExpired(lease, 1_299)).toBe(false);
    expect(leaseExpired(lease, 1_300)).toBe(true);
  });

  it("never expire with a ttl of 0", () => {
    const lease = startLease(5, 0);
    expect(lease.expiresAt).toBe(Number.POSITIVE_INFINITY);
    expect(leaseExpired(lease, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
