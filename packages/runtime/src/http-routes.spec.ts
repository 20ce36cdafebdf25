import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createHttpApp } from "./http-routes.js";
import { MetricsRegistry, metricsContentType } from "./metrics.js";

function app(ready = true, own?: Hono) {
  const metrics = new MetricsRegistry();
  metrics.counter("soe_test_total", "calls in a test").inc();
  const health = { ready };
  return { app: createHttpApp("edgetest", metrics, health, own), health };
}

describe("createHttpApp", () => {
  it("answers /healthz with the service's name while ready", async () => {
    const response = await app().app.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", service: "edgetest" });
  });

  it("answers /healthz with 503 while draining, as soon as the state changes", async () => {
    const { app: http, health } = app();
    health.ready = false;
    const response = await http.request("/healthz");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "draining", service: "edgetest" });
  });

  it("renders the metrics in the Prometheus text format", async () => {
    const response = await app().app.request("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(metricsContentType);
    expect(await response.text()).toContain("soe_test_total 1");
  });

  it("serves the service's own routes after its own", async () => {
    const own = new Hono().get("/api/v1", (c) => c.json({ api: "ours" }));
    const response = await app(true, own).app.request("/api/v1");
    expect(await response.json()).toEqual({ api: "ours" });
  });

  it("answers an unknown path with an OpenWhisk-shaped 404", async () => {
    const response = await app().app.request("/nowhere");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "The requested resource does not exist.",
      code: 404,
    });
  });
});
