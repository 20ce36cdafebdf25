import {
  booleanParam,
  ErrorText,
  isEntityName,
  listQuery,
  malformedContent,
  parsePackageDocument,
  resolveAccess,
} from "@soe/openwhisk";
import type { Context, Hono } from "hono";
import type { ResolvedMockOptions } from "../mock-options.js";
import type { MockEnv } from "../mock-env.js";
import { readJsonObject } from "../request-body.js";
import { bodyRefused, errorResponse, methodNotAllowed } from "../responses.js";
import type {
  QualifiedName,
  StoredRule,
  StoredTrigger,
  TriggerRuleStore,
} from "../trigger-rule-store.js";
import { routeTarget } from "./route-target.js";

function triggerSummary(trigger: StoredTrigger) {
  return {
    namespace: trigger.namespace,
    name: trigger.name,
    version: trigger.version,
    publish: trigger.publish,
    annotations: trigger.annotations,
    updated: trigger.updated,
  };
}

function ruleDocument(rule: StoredRule) {
  return {
    namespace: rule.namespace,
    name: rule.name,
    version: rule.version,
    publish: rule.publish,
    annotations: rule.annotations,
    updated: rule.updated,
    trigger: rule.trigger,
    action: rule.action,
  };
}

/**
 * `/ns/name`, `/ns/pkg/name`, `name` (the caller's namespace) or `{path, name}`, as the rule body
 * names its trigger and action; `_` is the caller's namespace.
 */
function qualifiedName(value: unknown, namespace: string): QualifiedName | undefined | "bad" {
  if (value === undefined) return undefined;
  let segments: string[];
  if (typeof value === "string") segments = value.split("/").filter((s) => s !== "");
  else if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as QualifiedName).path === "string" &&
    typeof (value as QualifiedName).name === "string"
  ) {
    const { path, name } = value as QualifiedName;
    segments = [...path.split("/"), name];
  } else return "bad";
  if (segments.length === 1) segments.unshift(namespace);
  if (segments.length > 3 || !segments.every(isEntityName)) return "bad";
  if (segments[0] === "_") segments[0] = namespace;
  const name = segments.pop() as string;
  return { path: segments.join("/"), name };
}

/**
 * `/namespaces/{ns}/triggers[/{name}]` and `/rules[/{name}]`: create, update, get, delete and
 * list, as the controller answers them. Triggers are never fired here.
 */
export function registerTriggerRuleRoutes(
  app: Hono<MockEnv>,
  deps: { readonly store: TriggerRuleStore; readonly options: ResolvedMockOptions },
): void {
  const { store, options } = deps;

  const granted = (c: Context<MockEnv>) => {
    const target = routeTarget(c);
    return {
      name: target.name ?? "",
      access: resolveAccess(c.get("identity"), target.namespaceSegment, target.segments),
    };
  };

  const lister =
    (collection: "triggers" | "rules", list: (namespace: string) => unknown[]) =>
    (c: Context<MockEnv>) => {
      const { access } = granted(c);
      if (!access.ok) return errorResponse(c, access.status, access.error);
      const query = listQuery((name) => c.req.query(name), collection);
      if (!query.ok) return errorResponse(c, 400, query.error);
      const { limit, skip, count } = query.value;
      const all = list(access.namespace);
      if (count) return c.json({ [collection]: all.length });
      return c.json(all.slice(skip, skip + limit));
    };

  const readBody = async (c: Context<MockEnv>) => {
    const overwrite = booleanParam("overwrite", c.req.query("overwrite"), false);
    if (!overwrite.ok) return errorResponse(c, 400, overwrite.error);
    const body = await readJsonObject(c.req.raw, options.maxEntityBytes);
    if (body.kind !== "ok") return bodyRefused(c, body, options.maxEntityBytes);
    return { overwrite: overwrite.value, body: body.value };
  };

  // Triggers.
  const triggers = "/api/v1/namespaces/:namespace/triggers";
  const triggerList = lister("triggers", (ns) => store.listTriggers(ns).map(triggerSummary));
  app.get(triggers, triggerList);
  app.get(`${triggers}/`, triggerList);
  const triggerView = (trigger: StoredTrigger) => {
    const rules = store.rulesOf(trigger);
    return {
      namespace: trigger.namespace,
      name: trigger.name,
      version: trigger.version,
      publish: trigger.publish,
      parameters: trigger.parameters,
      annotations: trigger.annotations,
      limits: {},
      ...(Object.keys(rules).length === 0 ? {} : { rules }),
      updated: trigger.updated,
    };
  };
  const trigger = `${triggers}/:name`;
  app.get(trigger, (c) => {
    const { name, access } = granted(c);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const found = store.getTrigger(access.namespace, name);
    return found === undefined
      ? errorResponse(c, 404, ErrorText.notFound)
      : c.json(triggerView(found));
  });
  app.put(trigger, async (c) => {
    const { name, access } = granted(c);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const read = await readBody(c);
    if (read instanceof Response) return read;
    // A trigger's PUT fields are a plain package's: parameters, annotations, publish.
    const { binding: _, ...fields } = read.body;
    const content = parsePackageDocument(fields);
    if (!content.ok) return errorResponse(c, 400, content.error);
    const put = store.putTrigger(access.namespace, name, content.value, read.overwrite);
    return put.ok
      ? c.json(triggerView(put.entity))
      : errorResponse(c, 409, ErrorText.alreadyExists);
  });
  app.delete(trigger, (c) => {
    const { name, access } = granted(c);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const deleted = store.deleteTrigger(access.namespace, name);
    return deleted === undefined
      ? errorResponse(c, 404, ErrorText.notFound)
      : c.json(triggerView(deleted));
  });
  app.all(trigger, (c) => methodNotAllowed(c, ["GET", "PUT", "DELETE"]));

  // Rules.
  const rules = "/api/v1/namespaces/:namespace/rules";
  const ruleList = lister("rules", (ns) => store.listRules(ns).map(ruleDocument));
  app.get(rules, ruleList);
  app.get(`${rules}/`, ruleList);
  const ruleView = (rule: StoredRule) => ({ ...ruleDocument(rule), status: rule.status });
  const rule = `${rules}/:name`;
  app.get(rule, (c) => {
    const { name, access } = granted(c);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const found = store.getRule(access.namespace, name);
    return found === undefined
      ? errorResponse(c, 404, ErrorText.notFound)
      : c.json(ruleView(found));
  });
  app.put(rule, async (c) => {
    const { name, access } = granted(c);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const read = await readBody(c);
    if (read instanceof Response) return read;
    const { trigger: rawTrigger, action: rawAction, ...rest } = read.body;
    const triggerName = qualifiedName(rawTrigger, access.namespace);
    const actionName = qualifiedName(rawAction, access.namespace);
    if (triggerName === "bad" || actionName === "bad") {
      return errorResponse(c, 400, malformedContent("fully qualified name malformed"));
    }
    const { binding: _, parameters: __, ...fields } = rest;
    const content = parsePackageDocument(fields);
    if (!content.ok) return errorResponse(c, 400, content.error);
    const put = store.putRule(
      access.namespace,
      name,
      { trigger: triggerName, action: actionName, ...content.value },
      read.overwrite,
    );
    if (put.ok) return c.json(ruleView(put.entity));
    switch (put.reason) {
      case "exists":
        return errorResponse(c, 409, ErrorText.alreadyExists);
      case "incomplete":
        return errorResponse(c, 400, "rule requires a valid trigger and a valid action");
      case "no-trigger":
        return errorResponse(c, 400, `trigger ${put.name} does not exist`);
      case "no-action":
        return errorResponse(c, 400, `action ${put.name} does not exist`);
    }
  });
  app.delete(rule, (c) => {
    const { name, access } = granted(c);
    if (!access.ok) return errorResponse(c, access.status, access.error);
    const deleted = store.deleteRule(access.namespace, name);
    return deleted === undefined
      ? errorResponse(c, 404, ErrorText.notFound)
      : c.json(ruleView(deleted));
  });
  app.all(rule, (c) => methodNotAllowed(c, ["GET", "PUT", "DELETE"]));
}
