import type { KeyValue } from "@soe/openwhisk";
import { nextVersion } from "./entity-store.js";

/** A fully qualified name as the controller writes it inside rules: `{path, name}`. */
export interface QualifiedName {
  readonly path: string;
  readonly name: string;
}

export type RuleStatus = "active" | "inactive";

export interface StoredTrigger {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly updated: number;
  readonly sequence: number;
}

export interface StoredRule {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly annotations: readonly KeyValue[];
  readonly trigger: QualifiedName;
  readonly action: QualifiedName;
  readonly status: RuleStatus;
  readonly updated: number;
  readonly sequence: number;
}

/** The fields of a trigger PUT; absent ones keep their old values on update. */
export interface TriggerContent {
  readonly parameters?: readonly KeyValue[] | undefined;
  readonly annotations?: readonly KeyValue[] | undefined;
  readonly publish?: boolean | undefined;
}

export interface RuleContent {
  readonly trigger?: QualifiedName | undefined;
  readonly action?: QualifiedName | undefined;
  readonly annotations?: readonly KeyValue[] | undefined;
  readonly publish?: boolean | undefined;
}

export type TriggerRulePut<T> =
  | { readonly ok: true; readonly entity: T }
  | { readonly ok: false; readonly reason: "exists" }
  /** A rule needs both names on create; both must name existing entities. */
  | { readonly ok: false; readonly reason: "incomplete" }
  | { readonly ok: false; readonly reason: "no-trigger" | "no-action"; readonly name: string };

function newestFirst(
  a: { updated: number; sequence: number },
  b: { updated: number; sequence: number },
) {
  return b.updated - a.updated || b.sequence - a.sequence;
}

export function formatQualifiedName(name: QualifiedName): string {
  return `/${name.path}/${name.name}`;
}

/**
 * Triggers and rules per namespace, in memory: enough for OpenWhisk's listings and CRUD (nothing
 * fires). A rule is active from its creation, as the controller makes it.
 */
export class TriggerRuleStore {
  readonly #triggers = new Map<string, Map<string, StoredTrigger>>();
  readonly #rules = new Map<string, Map<string, StoredRule>>();
  readonly #clock: () => number;
  readonly #actionExists: (name: QualifiedName) => boolean;
  #sequence = 0;

  constructor(clock: () => number, actionExists: (name: QualifiedName) => boolean) {
    this.#clock = clock;
    this.#actionExists = actionExists;
  }

  getTrigger(namespace: string, name: string): StoredTrigger | undefined {
    return this.#triggers.get(namespace)?.get(name);
  }

  putTrigger(
    namespace: string,
    name: string,
    content: TriggerContent,
    overwrite: boolean,
  ): TriggerRulePut<StoredTrigger> {
    const old = this.getTrigger(namespace, name);
    if (old !== undefined && !overwrite) return { ok: false, reason: "exists" };
    const trigger: StoredTrigger = {
      namespace,
      name,
      version: old === undefined ? "0.0.1" : nextVersion(old.version),
      publish: content.publish ?? old?.publish ?? false,
      parameters: content.parameters ?? old?.parameters ?? [],
      annotations: content.annotations ?? old?.annotations ?? [],
      updated: this.#clock(),
      sequence: ++this.#sequence,
    };
    mapOf(this.#triggers, namespace).set(name, trigger);
    return { ok: true, entity: trigger };
  }

  deleteTrigger(namespace: string, name: string): StoredTrigger | undefined {
    const trigger = this.getTrigger(namespace, name);
    this.#triggers.get(namespace)?.delete(name);
    return trigger;
  }

  listTriggers(namespace: string): StoredTrigger[] {
    return [...(this.#triggers.get(namespace)?.values() ?? [])].sort(newestFirst);
  }

  /** The trigger's rules as the controller keeps them on it: `{"ns/rule": {action, status}}`. */
  rulesOf(trigger: StoredTrigger): Record<string, { action: QualifiedName; status: RuleStatus }> {
    const links: Record<string, { action: QualifiedName; status: RuleStatus }> = {};
    for (const rule of this.listRules(trigger.namespace)) {
      if (rule.trigger.path === trigger.namespace && rule.trigger.name === trigger.name) {
        links[`${rule.namespace}/${rule.name}`] = { action: rule.action, status: rule.status };
      }
    }
    return links;
  }

  getRule(namespace: string, name: string): StoredRule | undefined {
    return this.#rules.get(namespace)?.get(name);
  }

  putRule(
    namespace: string,
    name: string,
    content: RuleContent,
    overwrite: boolean,
  ): TriggerRulePut<StoredRule> {
    const old = this.getRule(namespace, name);
    if (old !== undefined && !overwrite) return { ok: false, reason: "exists" };
    const trigger = content.trigger ?? old?.trigger;
    const action = content.action ?? old?.action;
    if (trigger === undefined || action === undefined) return { ok: false, reason: "incomplete" };
    if (this.getTrigger(trigger.path, trigger.name) === undefined) {
      return { ok: false, reason: "no-trigger", name: formatQualifiedName(trigger) };
    }
    if (!this.#actionExists(action)) {
      return { ok: false, reason: "no-action", name: formatQualifiedName(action) };
    }
    const rule: StoredRule = {
      namespace,
      name,
      version: old === undefined ? "0.0.1" : nextVersion(old.version),
      publish: content.publish ?? old?.publish ?? false,
      annotations: content.annotations ?? old?.annotations ?? [],
      trigger,
      action,
      status: old?.status ?? "active",
      updated: this.#clock(),
      sequence: ++this.#sequence,
    };
    mapOf(this.#rules, namespace).set(name, rule);
    return { ok: true, entity: rule };
  }

  deleteRule(namespace: string, name: string): StoredRule | undefined {
    const rule = this.getRule(namespace, name);
    this.#rules.get(namespace)?.delete(name);
    return rule;
  }

  listRules(namespace: string): StoredRule[] {
    return [...(this.#rules.get(namespace)?.values() ?? [])].sort(newestFirst);
  }
}

function mapOf<T>(maps: Map<string, Map<string, T>>, namespace: string): Map<string, T> {
  let map = maps.get(namespace);
  if (map === undefined) {
    map = new Map();
    maps.set(namespace, map);
  }
  return map;
}
