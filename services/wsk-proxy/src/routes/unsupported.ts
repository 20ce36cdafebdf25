import { methodNotAllowed } from "@soe/openwhisk";
import type { Hono } from "hono";
import { EdgeErrorText } from "../error-texts.js";
import { errorResponse } from "../middleware/errors/index.js";
import type { ProxyEnv } from "../proxy-env.js";

/** Collections of OpenWhisk the domain does not carry (openwhisk-api.md: apis, limits). */
const OTHER_COLLECTIONS = ["apis", "limits"];

/**
 * What the proxy does not serve, answered so that a client can tell "not here" from "not
 * found": 501 with an OpenWhisk-style body for collections the domain does not carry and web
 * actions, 405 in Pekko's words for methods no route of a served path has. Registered after the
 * served routes, so these only catch the rest.
 */
export function registerUnsupportedRoutes(app: Hono<ProxyEnv>): void {
  const actions = "/api/v1/namespaces/:namespace/actions";
  for (const path of [`${actions}/:name`, `${actions}/:package/:name`]) {
    app.all(path, (c) => errorResponse(c, 405, methodNotAllowed(["GET", "PUT", "DELETE", "POST"])));
  }
  const packages = "/api/v1/namespaces/:namespace/packages";
  app.all(`${packages}/:name`, (c) =>
    errorResponse(c, 405, methodNotAllowed(["GET", "PUT", "DELETE"])),
  );
  const activations = "/api/v1/namespaces/:namespace/activations";
  for (const path of [
    actions,
    `${actions}/`,
    `${actions}/:package/`,
    packages,
    `${packages}/`,
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
