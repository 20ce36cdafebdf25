import type { Hono } from "hono";
import type { MockEnv } from "../mock-env.js";

/** The unauthenticated endpoints, and the namespace list (one entry: the key's namespace). */
export function registerInfoRoutes(app: Hono<MockEnv>): void {
  app.get("/ping", (c) => c.text("pong"));
  // Every process of the project answers /healthz (DESIGN §5); OpenWhisk itself has /ping.
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/", (c) =>
    c.json({
      description: "OpenWhisk (soe openwhisk-mock)",
      api_paths: ["/api/v1"],
      limits: { min_action_duration: 100, max_action_duration: 300_000, sequence_length: 50 },
      runtimes: { nodejs: [{ kind: "nodejs:20", default: true }] },
    }),
  );
  app.get("/api/v1", (c) =>
    c.json({
      description: "OpenWhisk API",
      api_version: "1.0.0",
      api_version_path: "v1",
      build: "soe-openwhisk-mock",
      buildno: "0",
      swagger_paths: { ui: "/docs", "api-docs": "/api-docs" },
    }),
  );
  app.get("/api/v1/namespaces", (c) => c.json([c.get("identity").namespace]));
}
