import { soev1 } from "@soe/proto";
import type { DesiredEntity, EntityId } from "./domain-entity.js";
import type { SavedInstallation } from "./installation-registry.js";
import type { Container, MembershipEvent } from "./membership.js";
import { type ControllerState, parseState, type SavedState, savedEntity } from "./state-file.js";

// The controller's state as one record per key (issue 13), so that controllers sharing a store
// write what changed, and watch each other's changes, record by record. Keys are relative to the
// store's prefix; values are the state file's records, so both stores validate alike.

/** One record of the shared store, as read back. */
export type StoreRecord =
  | { readonly kind: "computer"; readonly endpoint: string; readonly containers: Container[] }
  | { readonly kind: "router"; readonly lambdaEndpoint: string; readonly tableEndpoint: string }
  | { readonly kind: "installation"; readonly installation: SavedInstallation }
  | { readonly kind: "entity"; readonly entity: DesiredEntity };

/** What a key names, to act on its deletion. */
export type StoreKey =
  | { readonly kind: "computer"; readonly endpoint: string }
  | { readonly kind: "router"; readonly lambdaEndpoint: string }
  | { readonly kind: "installation"; readonly endpoint: string }
  | { readonly kind: "entity"; readonly ref: EntityId };

const enc = encodeURIComponent;

export function computerKey(endpoint: string): string {
  return `computers/${enc(endpoint)}`;
}

export function routerKey(lambdaEndpoint: string): string {
  return `routers/${enc(lambdaEndpoint)}`;
}

export function installationKey(endpoint: string): string {
  return `installations/${enc(endpoint)}`;
}

export function entityRecordKey(ref: EntityId): string {
  const kind = ref.kind === soev1.EntityKind.PACKAGE ? "package" : "action";
  return `entities/${kind}/${enc(ref.namespace)}/${enc(ref.package)}/${enc(ref.name)}`;
}

/** Where one record is read from, to write it alone. */
export interface RecordSource {
  computer(endpoint: string): { endpoint: string; containers: readonly Container[] } | undefined;
  router(lambdaEndpoint: string): { lambdaEndpoint: string; tableEndpoint: string } | undefined;
}

/**
 * The text of one membership record as `stateRecords` writes it, undefined if it is gone or the
 * key is not a membership record.
 */
export function membershipRecord(source: RecordSource, key: string): string | undefined {
  const parsed = parseKey(key);
  if (parsed?.kind === "computer") {
    const c = source.computer(parsed.endpoint);
    return c === undefined
      ? undefined
      : JSON.stringify({ endpoint: c.endpoint, containers: c.containers });
  }
  if (parsed?.kind === "router") {
    const r = source.router(parsed.lambdaEndpoint);
    return r === undefined
      ? undefined
      : JSON.stringify({ lambdaEndpoint: r.lambdaEndpoint, tableEndpoint: r.tableEndpoint });
  }
  return undefined;
}

/** The membership records an event changed. */
export function eventKeys(event: MembershipEvent): string[] {
  switch (event.kind) {
    case "computer-added":
    case "computer-removed":
      return [computerKey(event.endpoint)];
    case "router-added":
    case "router-removed":
      return [routerKey(event.lambdaEndpoint)];
    default:
      return [];
  }
}

/** Every record of a state, key → the record's JSON text. */
export function stateRecords(state: ControllerState): Map<string, string> {
  const records = new Map<string, string>();
  for (const c of state.computers) {
    records.set(
      computerKey(c.endpoint),
      JSON.stringify({ endpoint: c.endpoint, containers: c.containers }),
    );
  }
  for (const r of state.routers) {
    records.set(
      routerKey(r.lambdaEndpoint),
      JSON.stringify({ lambdaEndpoint: r.lambdaEndpoint, tableEndpoint: r.tableEndpoint }),
    );
  }
  for (const i of state.installations ?? []) {
    const { endpoint, namespace, labels, leaseTtlMs } = i;
    records.set(
      installationKey(endpoint),
      JSON.stringify({ endpoint, namespace, labels, leaseTtlMs }),
    );
  }
  for (const e of state.entities ?? [])
    records.set(entityRecordKey(e.ref), JSON.stringify(savedEntity(e)));
  return records;
}

const SECTIONS = new Map<string, keyof SavedState>([
  ["computers", "computers"],
  ["routers", "routers"],
  ["installations", "installations"],
  ["entities", "entities"],
]);

/** The section a key belongs to, or undefined for a key that is none of ours. */
function sectionOf(key: string): keyof SavedState | undefined {
  return SECTIONS.get(key.slice(0, key.indexOf("/")));
}

/**
 * Records (key → JSON text) back into a state, validated as a state file is; `source` names the
 * store in errors. Keys of no known section are skipped (a newer controller's).
 */
export function parseRecords(records: ReadonlyMap<string, string>, source: string): SavedState {
  const doc: Record<string, string[]> = {
    computers: [],
    routers: [],
    installations: [],
    entities: [],
  };
  for (const [key, value] of records) {
    const section = sectionOf(key);
    if (section !== undefined) doc[section]?.push(value);
  }
  const text = `{"version":1,${Object.entries(doc)
    .map(([name, values]) => `"${name}":[${values.join(",")}]`)
    .join(",")}}`;
  return parseState(text, source);
}

/** One record, or undefined for a key of no known section; throws InvalidStateFile if invalid. */
export function parseRecord(key: string, value: string, source: string): StoreRecord | undefined {
  const state = parseRecords(new Map([[key, value]]), `${source} ${key}`);
  const [computer] = state.computers;
  if (computer !== undefined)
    return { kind: "computer", ...computer, containers: [...computer.containers] };
  const [router] = state.routers;
  if (router !== undefined) return { kind: "router", ...router };
  const [installation] = state.installations;
  if (installation !== undefined) return { kind: "installation", installation };
  const [entity] = state.entities;
  if (entity !== undefined) return { kind: "entity", entity };
  return undefined;
}

/** What a key names, or undefined for a key of no known section. */
export function parseKey(key: string): StoreKey | undefined {
  const parts = key.split("/").map((p) => decodeURIComponent(p));
  const [section, a = "", b = "", c = "", d = ""] = parts;
  switch (section) {
    case "computers":
      return { kind: "computer", endpoint: a };
    case "routers":
      return { kind: "router", lambdaEndpoint: a };
    case "installations":
      return { kind: "installation", endpoint: a };
    case "entities":
      return {
        kind: "entity",
        ref: {
          kind: a === "package" ? soev1.EntityKind.PACKAGE : soev1.EntityKind.ACTION,
          namespace: b,
          package: c,
          name: d,
        },
      };
    default:
      return undefined;
  }
}
