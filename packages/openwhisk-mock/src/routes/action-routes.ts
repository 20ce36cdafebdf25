import {
  blockingInvokeHttpStatus,
  booleanParam,
  ErrorText,
  type Identity,
  invokeQuery,
  checkSequence,
  isSequenceExec,
  listQuery,
  malformedContent,
  resolveAccess,
} from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import { withoutLogs } from "../activation-builder.js";
import {
  actionReadRefusal,
  packageRead,
  packageReadRefusal,
  type Refusal,
  readNamespace,
} from "../entity-access.js";
import { parseMockAction } from "../entity-content.js";
import { componentParts, type EntityStore, overlay, type PutRefusal } from "../entity-store.js";
import { actionDescription, actionSummary } from "../entity-views.js";
import { type Invoker, mergeParameters, waitAtMost } from "../invoker.js";
import type { ResolvedMockOptions } from "../mock-options.js";
import type { MockEnv } from "../mock-env.js";
import { readJsonObject } from "../request-body.js";
import { bodyRefused, errorResponse, methodNotAllowed } from "../responses.js";
import { type RouteTarget, routeTarget } from "./route-target.js";

export interface ActionRouteDeps {
  readonly store: EntityStore;
  readonly invoker: Invoker;
  readonly options: ResolvedMockOptions;
}

const ACTIVATION_HEADER = "x-openwhisk-activation-id";

/**
 * The namespace of a GET or an invocation, when the caller may read or activate the action
 * there: its own, or a package published by another namespace (`/whisk.system/utils/sort`).
 */
function readableNamespace(
  store: EntityStore,
  identity: Identity,
  target: RouteTarget,
): { ok: true; namespace: string } | { ok: false; status: 400 | Refusal["status"]; error: string } {
  const read = readNamespace(identity, target.namespaceSegment, target.segments);
  if (!read.ok) return read;
  const refusal = actionReadRefusal(
    store,
    identity.namespace,
    read.namespace,
    target.packageName,
    target.name ?? "",
  );
  return refusal === undefined ? read : { ok: false, ...refusal };
}

/** A sequence may only name components its creator may read (`entitleReferencedEntities`). */
function componentRefusal(
  store: EntityStore,
  caller: string,
  components: readonly string[],
): Refusal | undefined {
  for (const component of components) {
    const resolved = component.startsWith("/_/") ? `/${caller}/${component.slice(3)}` : component;
    const parts = componentParts(resolved);
    // A malformed name is the store's to refuse, as a missing component.
    if (parts === undefined) continue;
    const refusal = actionReadRefusal(
      store,
      caller,
      parts.namespace,
      parts.packageName,
      parts.name,
    );
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/** `/namespaces/{ns}/actions[/{pkg}]/{name}`: list, get, put, delete, invoke (openwhisk-api.md §2–3). */
export function registerActionRoutes(app: Hono<MockEnv>, deps: ActionRouteDeps): void {
  const { store, invoker, options } = deps;
  const base = "/api/v1/namespaces/:namespace/actions";

  const list = (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    const identity = c.get("identity");
    let namespace: string;
    if (target.packageName === undefined) {
      const access = resolveAccess(identity, target.namespaceSegment, target.segments);
      if (!access.ok) return errorResponse(c, access.status, access.error);
      namespace = access.namespace;
    } else {
      // A package's actions are listed to whoever may read the package, in any namespace.
      const read = readNamespace(identity, target.namespaceSegment, target.segments);
      if (!read.ok) return errorResponse(c, read.status, read.error);
      const granted = packageRead(store, identity.namespace, read.namespace, target.packageName);
      if (granted !== "ok") {
        const refusal = packageReadRefusal(granted, read.namespace, target.packageName);
        return errorResponse(c, refusal.status, refusal.error);
      }
      namespace = read.namespace;
    }
    const query = listQuery((name) => c.req.query(name), "actions");
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { limit, skip, count } = query.value;
    const actions = store.listActions(namespace, target.packageName);
    if (count) return c.json({ actions: actions.length });
    return c.json(actions.slice(skip, skip + limit).map(actionSummary));
  };
  app.get(base, list);
  app.get(`${base}/`, list);
  app.get(`${base}/:package/`, list);

  // The controller answers GET with the package's (or binding's) parameters merged in.
  const get = (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    const access = readableNamespace(store, c.get("identity"), target);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const code = booleanParam("code", c.req.query("code"), true);
    if (!code.ok) return errorResponse(c, 400, code.error);
    const found = store.resolveAction(access.namespace, target.packageName, target.name ?? "");
    if (found === undefined) return errorResponse(c, 404, ErrorText.notFound);
    const { action, packageParameters } = found;
    return c.json({
      ...actionDescription(action, code.value),
      parameters: overlay(packageParameters, action.parameters),
    });
  };

  const refused = (c: Context<MockEnv>, reason: PutRefusal) => {
    switch (reason) {
      case "exists":
        return errorResponse(c, 409, ErrorText.alreadyExists);
      case "other-collection":
        return errorResponse(c, 409, ErrorText.otherCollection);
      case "no-package":
        return errorResponse(c, 404, ErrorText.notFound);
      case "in-binding":
        return errorResponse(c, 400, "Operation not permitted on package binding.");
      case "no-exec":
        return errorResponse(c, 400, malformedContent("exec undefined"));
      case "no-component":
        return errorResponse(c, 400, "Sequence component does not exist.");
      case "cyclic":
        return errorResponse(c, 400, "Sequence may not refer to itself.");
      default:
        return errorResponse(c, 500, ErrorText.internal);
    }
  };

  const put = async (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const overwrite = booleanParam("overwrite", c.req.query("overwrite"), false);
    if (!overwrite.ok) return errorResponse(c, 400, overwrite.error);
    const body = await readJsonObject(c.req.raw, options.maxEntityBytes);
    if (body.kind !== "ok") return bodyRefused(c, body, options.maxEntityBytes);
    const content = parseMockAction(body.value);
    if (!content.ok) return errorResponse(c, 400, content.error);
    const exec = content.value.exec;
    if (exec !== undefined && isSequenceExec(exec)) {
      const refusal = componentRefusal(store, access.namespace, exec.components);
      if (refusal !== undefined) return errorResponse(c, refusal.status, refusal.error);
      // OpenWhisk's create-time check, shared with the domain's proxy: every component exists,
      // none leads back here, at most 50 atomic actions with nested sequences expanded.
      const own = `/${access.namespace}/`;
      const components = exec.components.map((name) =>
        name.startsWith("/_/") ? own + name.slice(3) : name,
      );
      const self = `${own}${target.packageName === undefined ? "" : `${target.packageName}/`}${target.name ?? ""}`;
      const problem = await checkSequence(self, components, async (component) => {
        const found = store.resolveComponent(component)?.action.exec;
        if (found === undefined) return undefined;
        return isSequenceExec(found)
          ? { kind: "sequence", components: found.components }
          : { kind: "atomic" };
      });
      if (problem !== undefined) return errorResponse(c, 400, problem);
    }
    const put = store.putAction(
      access.namespace,
      target.packageName,
      target.name ?? "",
      content.value,
      overwrite.value,
    );
    if (!put.ok) return refused(c, put.reason);
    invoker.forget(put.entity);
    return c.json(actionDescription(put.entity, true));
  };

  const remove = (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    const access = resolveAccess(c.get("identity"), target.namespaceSegment, target.segments);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const action = store.deleteAction(access.namespace, target.packageName, target.name ?? "");
    if (action === undefined) return errorResponse(c, 404, ErrorText.notFound);
    invoker.forget(action);
    return c.json(actionDescription(action, true));
  };

  const invoke = async (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    const identity = c.get("identity");
    const access = readableNamespace(store, identity, target);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const query = invokeQuery((name) => c.req.query(name));
    if (!query.ok) return errorResponse(c, 400, query.error);
    const { blocking, result, timeout } = query.value;
    const body = await readJsonObject(c.req.raw, options.maxBodyBytes);
    if (body.kind !== "ok") return bodyRefused(c, body, options.maxBodyBytes);
    const found = store.resolveAction(access.namespace, target.packageName, target.name ?? "");
    if (found === undefined) return errorResponse(c, 404, ErrorText.notFound);
    // The invoker must still be entitled to every component (a package may have gone private).
    if (isSequenceExec(found.action.exec)) {
      const refusal = componentRefusal(store, identity.namespace, found.action.exec.components);
      if (refusal !== undefined) return errorResponse(c, refusal.status, refusal.error);
    }

    // OpenWhisk's order: bound package < binding < action < invocation (resolveBinding, inherit).
    const params = mergeParameters(found.packageParameters, found.action.parameters, body.value);
    const { activationId, finished } = invoker.invoke(
      found,
      identity,
      params,
      c.req.header("traceparent"),
    );
    c.header(ACTIVATION_HEADER, activationId);
    if (!blocking) return c.json({ activationId }, 202);

    const record = await waitAtMost(
      finished,
      Math.min(timeout ?? 60_000, options.maxBlockingWaitMs),
    );
    // Still running: the caller gets the id and polls, exactly like a non-blocking call.
    if (record === undefined) return c.json({ activationId }, 202);
    const status = blockingInvokeHttpStatus(record.response.status);
    // Array results are sent bare whatever `result` says (newer controllers do so).
    if (result || Array.isArray(record.response.result)) {
      return c.json(record.response.result as object, status);
    }
    return c.json(withoutLogs(record), status);
  };

  for (const path of [`${base}/:name`, `${base}/:package/:name`]) {
    app.get(path, get);
    app.put(path, put);
    app.delete(path, remove);
    app.post(path, invoke);
    app.all(path, (c) => methodNotAllowed(c, ["GET", "PUT", "DELETE", "POST"]));
  }
}
