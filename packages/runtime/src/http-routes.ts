import type { Hono } from "hono";
import { Hono as HonoApp } from "hono";
import { type MetricsRegistry, metricsContentType } from "./metrics.js";

export interface HealthState {
  /** False while the server drains: load balancers and health checks stop sending work. */
  ready: boolean;
}

/**
 * Plain HTTP routes every process answers on its main port: `/healthz` and `/metrics`,
 * followed by the service's own routes (if any).
 */
export function createHttpApp(
  name: string,
  metrics: MetricsRegistry,
  health: HealthState,
  app: Hono | undefined,
): Hono {
  const root = new HonoApp();
  root.get("/healthz", (c) =>
    health.ready
      ? c.json({ status: "ok", service: name })
      : c.json({ status: "draining", service: name }, 503),
  );
  root.get("/metrics", async (c) =>
    c.text(await metrics.render(), 200, { "content-type": metricsContentType }),
  );
  if (app !== undefined) root.route("/", app);
  root.notFound((c) => c.json({ error: "The requested resource does not exist.", code: 404 }, 404));
  return root;
}
