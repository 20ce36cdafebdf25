import {
  type ActionDescription,
  type ActionDocument,
  type ActionExec,
  type ActionLimits,
  type ActionSummary,
  annotationValue,
  isSequenceExec,
  type KeyValue,
  type PackageBinding,
  type PackageDescription,
  type PackageDocument,
} from "@soe/openwhisk";
import type { soev1 } from "@soe/proto";

/** What OpenWhisk fills in for limits a PUT leaves out (openwhisk-api.md §8). */
export const DEFAULT_LIMITS = {
  timeout: 60_000,
  memory: 256,
  logs: 10,
  concurrency: 1,
} as const satisfies Required<ActionLimits>;

/**
 * The document the domain holds. Only proxies write documents, and only checked ones
 * (`parseActionDocument`, `parsePackageDocument`), so reading one back is a JSON parse, not a
 * second check: a listing must not re-run OpenWhisk's base64 test over every action's code.
 */
export function actionDocumentOf(entity: soev1.Entity): ActionDocument {
  return documentOf(entity, "action") as ActionDocument;
}

export function packageDocumentOf(entity: soev1.Entity): PackageDocument {
  return documentOf(entity, "package") as PackageDocument;
}

function documentOf(entity: soev1.Entity, kind: string): object {
  const parsed: unknown = JSON.parse(Buffer.from(entity.document).toString("utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    // A fault of the domain's state, not of this client: the error middleware answers 500.
    throw new Error(`the domain holds a ${kind} document that is not a JSON object`);
  }
  return parsed;
}

/** `ns` or `ns/pkg`: how OpenWhisk writes the namespace of an action inside a package. */
function actionNamespace(ref: soev1.EntityRef | undefined): string {
  if (ref === undefined) return "";
  return ref.package === "" ? ref.namespace : `${ref.namespace}/${ref.package}`;
}

function execOf(document: ActionDocument, withCode: boolean): ActionExec {
  const exec = document.exec;
  if (exec === undefined) return { kind: "unknown", binary: false };
  if (isSequenceExec(exec)) return { kind: exec.kind, components: exec.components, binary: false };
  return {
    kind: exec.kind,
    ...(withCode ? { code: exec.code } : {}),
    ...(exec.image === undefined ? {} : { image: exec.image }),
    ...(exec.main === undefined ? {} : { main: exec.main }),
    binary: exec.binary === true,
  };
}

/**
 * The annotations as OpenWhisk answers them: it adds `exec` (the runtime kind) to every action it
 * stores, and `wsk action list` reads the kind from there. Added here, not to the document, so
 * the digest the installations carry is the client's document's.
 */
function annotationsOf(document: ActionDocument): KeyValue[] {
  const annotations: KeyValue[] = (document.annotations ?? []).map(({ key, value }) => ({
    key,
    value,
  }));
  const kind = document.exec?.kind;
  if (kind !== undefined && annotationValue(annotations, "exec") === undefined) {
    annotations.push({ key: "exec", value: kind });
  }
  return annotations;
}

function parametersOf(parameters: PackageDocument["parameters"]): KeyValue[] {
  return (parameters ?? []).map((p) => ({
    key: p.key,
    value: p.value,
    ...(p.init ? { init: true } : {}),
  }));
}

const updatedOf = (entity: soev1.Entity) => Number(entity.updatedUnixMs);

/**
 * Parameters in layers, a later layer's value winning; a key keeps the place where it first
 * appeared (as the OpenWhisk controller's and the openwhisk-mock's merges do).
 */
export function overlay(...layers: ReadonlyArray<PackageDocument["parameters"]>): KeyValue[] {
  const byKey = new Map<string, KeyValue>();
  for (const layer of layers) for (const p of parametersOf(layer)) byKey.set(p.key, p);
  return [...byKey.values()];
}

/** `GET`/`PUT`/`DELETE .../actions/{name}`: the whole action (`exec.code` only when asked). */
export function actionDescriptionOf(entity: soev1.Entity, withCode: boolean): ActionDescription {
  const document = actionDocumentOf(entity);
  return {
    namespace: actionNamespace(entity.ref),
    name: entity.ref?.name ?? "",
    version: entity.version,
    publish: document.publish ?? false,
    exec: execOf(document, withCode),
    parameters: parametersOf(document.parameters),
    annotations: annotationsOf(document),
    limits: { ...DEFAULT_LIMITS, ...document.limits },
    updated: updatedOf(entity),
  };
}

/** A listing element: no code, no parameters (openwhisk-api.md §3). */
export function actionSummaryOf(entity: soev1.Entity): ActionSummary {
  const document = actionDocumentOf(entity);
  return {
    namespace: actionNamespace(entity.ref),
    name: entity.ref?.name ?? "",
    version: entity.version,
    publish: document.publish ?? false,
    exec: { binary: execOf(document, false).binary === true },
    annotations: annotationsOf(document),
    limits: { ...DEFAULT_LIMITS, ...document.limits },
    updated: updatedOf(entity),
  };
}

/** An action of a package, as `GET .../packages/{name}` lists it. */
export function packageActionOf(
  entity: soev1.Entity,
): NonNullable<PackageDescription["actions"]>[number] {
  return {
    name: entity.ref?.name ?? "",
    version: entity.version,
    annotations: annotationsOf(actionDocumentOf(entity)),
  };
}

export interface PackageViewOptions {
  /** The actions it holds (of the bound package, for a binding): present on GET only. */
  readonly actions?: readonly soev1.Entity[];
  /** For a binding, the bound package's parameters, which the binding's own override. */
  readonly inherited?: PackageDocument["parameters"];
}

/** `GET`/`PUT`/`DELETE .../packages/{name}` (apache/openwhisk `Packages.scala`). */
export function packageDescriptionOf(
  entity: soev1.Entity,
  options: PackageViewOptions = {},
): PackageDescription {
  const document = packageDocumentOf(entity);
  const parameters = overlay(options.inherited, document.parameters);
  return {
    namespace: entity.ref?.namespace ?? "",
    name: entity.ref?.name ?? "",
    version: entity.version,
    publish: document.publish ?? false,
    binding: bindingOf(document.binding),
    parameters,
    annotations: parametersOf(document.annotations),
    updated: updatedOf(entity),
    ...(options.actions === undefined ? {} : { actions: options.actions.map(packageActionOf) }),
  };
}

function bindingOf(binding: PackageBinding | undefined): PackageDescription["binding"] {
  return binding === undefined ? {} : { namespace: binding.namespace, name: binding.name };
}

/** A package listing element: no parameters; `binding` is the bound package or `false`. */
export interface PackageSummary {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly annotations: readonly KeyValue[];
  readonly binding: PackageBinding | false;
  readonly updated: number;
}

export function packageSummaryOf(entity: soev1.Entity): PackageSummary {
  const document = packageDocumentOf(entity);
  return {
    namespace: entity.ref?.namespace ?? "",
    name: entity.ref?.name ?? "",
    version: entity.version,
    publish: document.publish ?? false,
    annotations: parametersOf(document.annotations),
    binding: document.binding === undefined ? false : { ...document.binding },
    updated: updatedOf(entity),
  };
}
