import { entityNameProblem } from "./entity-name.js";

/** `_` in a namespace position means "the namespace of the key that makes the call". */
export const DEFAULT_NAMESPACE = "_";

/** A fully resolved action name: `/namespace[/package]/name`. */
export interface ActionName {
  readonly namespace: string;
  readonly packageName?: string | undefined;
  readonly name: string;
}

export type ActionNameProblem =
  | "empty"
  | "empty-part"
  | "missing-action"
  | "too-many-parts"
  | "illegal-characters"
  | "too-long";

export interface InvalidActionName {
  readonly input: string;
  readonly problem: ActionNameProblem;
  readonly message: string;
}

export type ActionNameParse =
  | { readonly ok: true; readonly value: ActionName }
  | { readonly ok: false; readonly error: InvalidActionName };

const explanations: Record<ActionNameProblem, string> = {
  empty: "the name is empty",
  "empty-part": "a part between slashes is empty",
  "missing-action": "a fully qualified name needs a namespace and an action",
  "too-many-parts": "at most namespace, package and action are allowed",
  "illegal-characters": "a part contains characters OpenWhisk does not allow in entity names",
  "too-long": "a part is longer than 256 characters",
};

function invalid(input: string, problem: ActionNameProblem): ActionNameParse {
  const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
  return {
    ok: false,
    error: { input, problem, message: `invalid action name '${shown}': ${explanations[problem]}` },
  };
}

/**
 * Parses the forms both official clients accept: `action`, `pkg/action` (default namespace),
 * `/ns/action`, `/ns/pkg/action`, and `ns/pkg/action` (three parts always start with the
 * namespace). `_` as a namespace is kept as is; see {@link resolveNamespace}.
 */
export function parseActionName(
  input: string,
  defaultNamespace = DEFAULT_NAMESPACE,
): ActionNameParse {
  if (input.length === 0) return invalid(input, "empty");
  const qualified = input.startsWith("/");
  const parts = (qualified ? input.slice(1) : input).split("/");
  if (parts.length > 3) return invalid(input, "too-many-parts");
  if (qualified && parts.length < 2) return invalid(input, "missing-action");
  for (const part of parts) {
    const problem = entityNameProblem(part);
    if (problem === "empty") return invalid(input, "empty-part");
    if (problem !== undefined) return invalid(input, problem);
  }
  const [first = "", second, third] = parts;
  if (parts.length === 3) {
    return { ok: true, value: { namespace: first, packageName: second, name: third ?? "" } };
  }
  if (qualified) return { ok: true, value: { namespace: first, name: second ?? "" } };
  if (parts.length === 2) {
    return {
      ok: true,
      value: { namespace: defaultNamespace, packageName: first, name: second ?? "" },
    };
  }
  return { ok: true, value: { namespace: defaultNamespace, name: first } };
}

/** Thrown where a name must be valid to go on (the client's methods, configuration). */
export class InvalidActionNameError extends TypeError {
  override readonly name = "InvalidActionNameError";
  readonly input: string;
  readonly problem: ActionNameProblem;

  constructor(detail: InvalidActionName) {
    super(detail.message);
    this.input = detail.input;
    this.problem = detail.problem;
  }
}

/** Like {@link parseActionName}, but throws {@link InvalidActionNameError}. */
export function mustParseActionName(
  input: string,
  defaultNamespace = DEFAULT_NAMESPACE,
): ActionName {
  const parsed = parseActionName(input, defaultNamespace);
  if (!parsed.ok) throw new InvalidActionNameError(parsed.error);
  return parsed.value;
}

/** `/namespace[/package]/name`, the key the edge domain knows an action by. */
export function formatActionName(name: ActionName): string {
  return `/${name.namespace}/${entityPath(name)}`;
}

/** The part after the namespace: `package/name` or `name`. */
export function entityPath(name: ActionName): string {
  return name.packageName === undefined ? name.name : `${name.packageName}/${name.name}`;
}

/** Replaces `_` by the caller's namespace. */
export function resolveNamespace(name: ActionName, callerNamespace: string): ActionName {
  return name.namespace === DEFAULT_NAMESPACE ? { ...name, namespace: callerNamespace } : name;
}

/**
 * The name of an action as a listing reports it: actions inside a package carry
 * `"namespace": "ns/pkg"`, top-level ones `"namespace": "ns"`.
 */
export function actionNameOfListing(entry: { namespace: string; name: string }): ActionName {
  const slash = entry.namespace.indexOf("/");
  return slash < 0
    ? { namespace: entry.namespace, name: entry.name }
    : {
        namespace: entry.namespace.slice(0, slash),
        packageName: entry.namespace.slice(slash + 1),
        name: entry.name,
      };
}
