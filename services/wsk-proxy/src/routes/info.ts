import type { Hono } from "hono";
import type { ProxyEnv } from "../proxy-env.js";

/**
 * The info endpoints clients touch besides actions (openwhisk-api.md §8): `GET /api/v1`
 * (`wsk property get --apibuild`), `GET /api/v1/namespaces` (`wsk namespace list`: the key's
 * namespace), and OpenWhisk's `/ping`.
 */
export function registerInfoRoutes(app: Hono<ProxyEnv>): void {
  app.get("/ping", (c) => c.text("pong"));
  app.get("/api/v1", (c) =>
    c.json({
      description: "OpenWhisk API",
      api_version: "1.0.0",
      api_version_path: "v1",
      build: "soe-wskproxy",
      buildno: "0",
      swagger_paths: { ui: "/docs", "api-docs": "/api-docs" },
    }),
  );
  app.get("/api/v1/namespaces", (c) => c.json([c.get("identity").namespace]));
}
