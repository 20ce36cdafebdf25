import {
  booleanParam,
  ErrorText,
  listQuery,
  notAuthorizedFor,
  type PackageBinding,
  packageNotEmpty,
  parsePackageDocument,
  resolveAccess,
} from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import { packageRead, packageReadRefusal, readNamespace } from "../entity-access.js";
import type { EntityStore, PutRefusal } from "../entity-store.js";
import { packageDescription, packageSummary } from "../entity-views.js";
import type { ResolvedMockOptions } from "../mock-options.js";
import type { MockEnv } from "../mock-env.js";
import { readJsonObject } from "../request-body.js";
import { bodyRefused, errorResponse, methodNotAllowed } from "../responses.js";
import { routeTarget } from "./route-target.js";

/** The controller's answers to a package PUT it refuses (Packages.scala, Messages). */
function refused(
  c: Context<MockEnv>,
  reason: PutRefusal,
  name: string,
  binding: PackageBinding | undefined,
): Response {
  switch (reason) {
    case "exists":
      return errorResponse(c, 409, ErrorText.alreadyExists);
    case "other-collection":
      return errorResponse(c, 409, ErrorText.otherCollection);
    case "reserved":
      return errorResponse(c, 400, `Package name '${name}' is reserved.`);
    case "binding-missing":
      return errorResponse(c, 400, "Binding references a package that does not exist.");
    case "binding-to-binding":
      return errorResponse(c, 400, "Cannot bind to another package binding.");
    case "binding-not-package":
      return errorResponse(c, 409, "Cannot bind to a resource that is not a package.");
    case "package-to-binding":
      return errorResponse(c, 409, "Resource is a package and cannot be converted into a binding.");
    case "binding-forbidden":
      return errorResponse(
        c,
        403,
        notAuthorizedFor(binding === undefined ? name : `${binding.namespace}/${binding.name}`),
      );
    default:
      return errorResponse(c, 500, ErrorText.internal);
  }
}

/** `/namespaces/{ns}/packages[/{name}]`: packages holding actions, and package bindings. */
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

  // Any subject may list any namespace's packages; another namespace shows only its published
  // plain packages (the `packages-public` view), never its bindings.
  const list = (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    const identity = c.get("identity");
    const read = readNamespace(identity, target.namespaceSegment, target.segments);
    if (!read.ok) return errorResponse(c, read.status, read.error);
    const query = listQuery((name) => c.req.query(name), "packages");
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { limit, skip, count } = query.value;
    const all = store.listPackages(read.namespace);
    const packages =
      read.namespace === identity.namespace
        ? all
        : all.filter((p) => p.publish && p.binding === undefined);
    if (count) return c.json({ packages: packages.length });
    // Listings leave the parameters out, as for actions.
    return c.json(packages.slice(skip, skip + limit).map(packageSummary));
  };
  app.get(base, list);
  app.get(`${base}/`, list);

  const path = `${base}/:name`;
  app.get(path, (c) => {
    const target = routeTarget(c);
    const identity = c.get("identity");
    const read = readNamespace(identity, target.namespaceSegment, target.segments);
    if (!read.ok) return errorResponse(c, read.status, read.error);
    const name = target.name ?? "";
    const granted = packageRead(store, identity.namespace, read.namespace, name);
    if (granted !== "ok") {
      const refusal = packageReadRefusal(granted, read.namespace, name);
      return errorResponse(c, refusal.status, refusal.error);
    }
    const pkg = store.getPackage(read.namespace, name);
    if (pkg === undefined) return errorResponse(c, 404, ErrorText.notFound);
    // A binding shows its bound package's actions, and parameters over the bound package's.
    return c.json(
      packageDescription(
        pkg,
        store.listActions(read.namespace, pkg.name),
        store.packageParameters(pkg),
      ),
    );
  });

  app.put(path, async (c) => {
    const { target, access: granted } = access(c);
    if (!granted.ok) return errorResponse(c, granted.status, granted.error);
    const overwrite = booleanParam("overwrite", c.req.query("overwrite"), false);
    if (!overwrite.ok) return errorResponse(c, 400, overwrite.error);
    const body = await readJsonObject(c.req.raw, options.maxEntityBytes);
    if (body.kind !== "ok") return bodyRefused(c, body, options.maxEntityBytes);
    const content = parsePackageDocument(body.value);
    if (!content.ok) return errorResponse(c, 400, content.error);
    const binding = content.value.binding;
    // Entitlement to the bound package comes first; for another namespace's, anything but a
    // published plain package is refused with 403, whether or not it exists.
    if (
      binding !== undefined &&
      binding.namespace !== "_" &&
      binding.namespace !== granted.namespace
    ) {
      const bound = packageRead(store, granted.namespace, binding.namespace, binding.name);
      if (bound !== "ok") {
        const refusal = packageReadRefusal(bound, binding.namespace, binding.name);
        return errorResponse(c, refusal.status, refusal.error);
      }
    }
    const put = store.putPackage(
      granted.namespace,
      target.name ?? "",
      content.value,
      overwrite.value,
    );
    if (put.ok) return c.json(packageDescription(put.entity));
    return refused(c, put.reason, target.name ?? "", content.value.binding);
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
