import type { ServiceImpl } from "@connectrpc/connect";
import type { soev1 } from "@soe/proto";
import type { ControlPlane } from "./control-plane.js";

export interface QueryServiceOptions {
  readonly plane: ControlPlane;
  /** ms, the controller's monotonic clock. */
  readonly clock: () => number;
  /** `--lease-ttl` in ms; 0 = never expires. */
  readonly leaseTtlMs: number;
}

/**
 * The read API (`soe.v1.ControllerQueryService`, DESIGN §4): what the domain offers, for the
 * proxy's action listing and for tools. Open to every caller: it changes nothing and holds no
 * secret, and the proxy needs it without the control-plane token.
 */
export function queryService({
  plane,
  clock,
  leaseTtlMs,
}: QueryServiceOptions): ServiceImpl<typeof soev1.ControllerQueryService> {
  const membership = plane.controller.membership;
  const age = (refreshedAt: number) => Math.max(0, clock() - refreshedAt) / 1000;
  return {
    listComputers() {
      return {
        computers: membership.computers().map((c) => ({
          endpoint: c.endpoint,
          containers: c.containers.map((k) => ({ ...k })),
          leaseAgeSeconds: age(c.refreshedAt),
          leaseTtlSeconds: leaseTtlMs / 1000,
        })),
      };
    },
    listRouters() {
      return {
        routers: membership.routers().map((r) => {
          const status = plane.routerStatus(r.tableEndpoint);
          return {
            lambdaEndpoint: r.lambdaEndpoint,
            tableEndpoint: r.tableEndpoint,
            leaseAgeSeconds: age(r.refreshedAt),
            pendingOperations: status.pending,
            failedAttempts: status.failures,
          };
        }),
      };
    },
    // Sorted by name, computers sorted too (Membership.lambdas() keeps that order).
    listLambdas() {
      return {
        lambdas: [...membership.lambdas()].map(([name, computers]) => ({
          name,
          computers: [...computers],
        })),
      };
    },
  };
}
