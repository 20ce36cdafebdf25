import { booleanParam, ErrorText, listQuery, packageNotEmpty, resolveAccess } from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import { parsePackageContent } from "../entity-content.js";
import type { EntityStore } from "../entity-store.js";
import { packageDescription } from "../entity-views.js";
import type { ResolvedMockOptions } from "../mock-options.js";
import type { MockEnv } from "../mock-env.js";
import { readJsonObject } from "../request-body.js";
import { bodyRefused, errorResponse, methodNotAllowed } from "../responses.js";
import { routeTarget } from "./route-target.js";

/** `/namespaces/{ns}/packages[/{name}]`: plain packages (no bindings) holding actions. */
export function registerPackageRoutes(
  app: Hono<MockEnv>,
  deps: { readonly store: EntityStore; readonly options: ResolvedMockOptions },
): void {
  const { store, options } = deps;
  const base = "/api/v1/namespaces/:namespace/packages";

  const access = (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    return {
      target,
      access: resolveAccess(c.get("identity"), target.namespaceSegment, target.segments),
    };
  };

  const list = (c: Context<MockEnv>) => {
    const { access: granted } = access(c);
    if (!granted.ok) return errorResponse(c, granted.status, granted.error);
    const query = listQuery((name) => c.req.query(name), "packages");
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { limit, skip, count } = query.value;
    const packages = store.listPackages(granted.namespace);
    if (count) return c.json({ packages: packages.length });
    // Listings leave the parameters out, as for actions.
    const page = packages.slice(skip, skip + limit);
    return c.json(page.map((p) => ({ ...packageDescription(p), parameters: undefined })));
  };
  app.get(base, list);
  app.get(`${base}/`, list);

  const path = `${base}/:name`;
  app.get(path, (c) => {
    const { target, access: granted } = access(c);
    if (!granted.ok) return errorResponse(c, granted.status, granted.error);
    const pkg = store.getPackage(granted.namespace, target.name ?? "");
    if (pkg === undefined) return errorResponse(c, 404, ErrorText.notFound);
    return c.json(packageDescription(pkg, store.listActions(granted.namespace, pkg.name)));
  });

  app.put(path, async (c) => {
    const { target, access: granted } = access(c);
    if (!granted.ok) return errorResponse(c, granted.status, granted.error);
    const overwrite = booleanParam("overwrite", c.req.query("overwrite"), false);
    if (!overwrite.ok) return errorResponse(c, 400, overwrite.error);
    const body = await readJsonObject(c.req.raw, options.maxEntityBytes);
    if (body.kind !== "ok") return bodyRefused(c, body, options.maxEntityBytes);
    const content = parsePackageContent(body.value);
    if (!content.ok) return errorResponse(c, 400, content.error);
    const put = store.putPackage(
      granted.namespace,
      target.name ?? "",
      content.value,
      overwrite.value,
    );
    if (put.ok) return c.json(packageDescription(put.entity));
    return errorResponse(
      c,
      409,
      put.reason === "exists" ? ErrorText.alreadyExists : ErrorText.otherCollection,
    );
  });

  app.delete(path, (c) => {
    const { target, access: granted } = access(c);
    if (!granted.ok) return errorResponse(c, granted.status, granted.error);
    const force = booleanParam("force", c.req.query("force"), false);
    if (!force.ok) return errorResponse(c, 400, force.error);
    const deleted = store.deletePackage(granted.namespace, target.name ?? "", force.value);
    if (deleted.ok) return c.json(packageDescription(deleted.entity));
    if (deleted.reason === "missing") return errorResponse(c, 404, ErrorText.notFound);
    return errorResponse(c, 409, packageNotEmpty(deleted.count));
  });

  app.all(path, (c) => methodNotAllowed(c, ["GET", "PUT", "DELETE"]));
}
