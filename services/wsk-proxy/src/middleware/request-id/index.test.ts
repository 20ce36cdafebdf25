import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { ProxyEnv } from "../../proxy-env.js";
import { CORS_HEADERS, newRequestId, requestId, requestIdFrom } from "./index.js";

const app = new Hono<ProxyEnv>();
app.use("*", requestId());
app.get("*", (c) => c.json({ id: c.get("requestId") }));

describe("request-id middleware", () => {
  it("reuses the caller's X-Request-ID as the transaction id", async () => {
    const res = await app.request("/api/v1/namespaces", { headers: { "x-request-id": "tid-42" } });
    expect(res.headers.get("x-request-id")).toBe("tid-42");
    expect(await res.json()).toEqual({ id: "tid-42" });
  });

  it("mints 32 alphanumeric characters otherwise, or for a header it cannot repeat safely", async () => {
    const res = await app.request("/x");
    expect(res.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(requestIdFrom("a b")).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(requestIdFrom("x".repeat(257))).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(requestIdFrom("é")).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("mints a different id every time, across refills of its random pool", () => {
    const ids = Array.from({ length: 1000 }, newRequestId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("puts OpenWhisk's CORS headers on REST paths only, and answers OPTIONS there", async () => {
    const rest = await app.request("/api/v1/namespaces/_/actions");
    expect(rest.headers.get("access-control-allow-origin")).toBe("*");
    expect((await app.request("/healthz")).headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await app.request("/api/v1/namespaces/_/actions/x", { method: "OPTIONS" });
    expect(preflight.status).toBe(200);
    for (const [name, value] of Object.entries(CORS_HEADERS)) {
      expect(preflight.headers.get(name)).toBe(value);
    }
    expect(preflight.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});
