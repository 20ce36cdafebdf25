import { methodNotAllowed } from "@soe/openwhisk";
import type { Hono } from "hono";
import { EdgeErrorText } from "../error-texts.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";

/** Collections of OpenWhisk the domain does not carry (openwhisk-api.md: packages, triggers, …). */
const OTHER_COLLECTIONS = ["packages", "triggers", "rules", "apis", "limits"];

/**
 * What the proxy does not serve, answered so that a client can tell "not here" from "not
 * found": 501 with an OpenWhisk-style body for entity operations the domain cannot do (creating,
 * updating, deleting actions; other collections; web actions), 405 in Pekko's words for methods
 * no route of this path has. Registered after the served routes, so these only catch the rest.
 */
export function registerUnsupportedRoutes(app: Hono<ProxyEnv>): void {
  const actions = "/api/v1/namespaces/:namespace/actions";
  for (const path of [`${actions}/:name`, `${actions}/:package/:name`]) {
    app.on(["PUT", "DELETE"], path, (c) => errorResponse(c, 501, EdgeErrorText.notImplemented));
    app.all(path, (c) => errorResponse(c, 405, methodNotAllowed(["GET", "PUT", "DELETE", "POST"])));
  }
  for (const path of [actions, `${actions}/`, `${actions}/:package/`]) {
    app.all(path, (c) => errorResponse(c, 405, methodNotAllowed(["GET"])));
  }
  const activations = "/api/v1/namespaces/:namespace/activations";
  for (const path of [
    activations,
    `${activations}/:id`,
    `${activations}/:id/result`,
    `${activations}/:id/logs`,
  ]) {
    app.all(path, (c) => errorResponse(c, 405, methodNotAllowed(["GET"])));
  }
  for (const collection of OTHER_COLLECTIONS) {
    const path = `/api/v1/namespaces/:namespace/${collection}`;
    app.all(path, (c) => errorResponse(c, 501, EdgeErrorText.notImplemented));
    app.all(`${path}/*`, (c) => errorResponse(c, 501, EdgeErrorText.notImplemented));
  }
  app.all("/api/v1/web/*", (c) => errorResponse(c, 501, EdgeErrorText.notImplemented));
}
