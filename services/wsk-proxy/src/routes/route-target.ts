import type { Context } from "hono";
import type { ProxyEnv } from "../proxy-env.js";

export interface RouteTarget {
  readonly namespaceSegment: string;
  readonly packageName: string | undefined;
  readonly name: string | undefined;
  /** The entity segments present, in path order: for name checks and 403 texts. */
  readonly segments: string[];
}

/** The decoded `:namespace`, `:package` and `:name` segments of an entity route. */
export function routeTarget(c: Context<ProxyEnv>): RouteTarget {
  const params = c.req.param() as Record<string, string | undefined>;
  const packageName = params.package;
  const name = params.name;
  const segments = [packageName, name].filter((s): s is string => s !== undefined);
  return { namespaceSegment: params.namespace ?? "", packageName, name, segments };
}
