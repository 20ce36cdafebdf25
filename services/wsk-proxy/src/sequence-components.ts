import {
  type Access,
  type ActionName,
  type ComponentKind,
  type Identity,
  formatActionName,
  parseActionName,
} from "@soe/openwhisk";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ActionFacts, actionFactsOf } from "./action-facts.js";
import { actionAccess } from "./action-access.js";
import type { ActionLister } from "./action-lister.js";
import { actionRef, type DomainDeployment } from "./domain-deployment.js";

/** A sequence's component as the domain runs it. */
export type ResolvedComponent =
  /** A sequence the domain holds: the proxy runs it too, nested. */
  | {
      readonly kind: "sequence";
      readonly action: ActionName;
      readonly facts: ActionFacts & { readonly components: readonly string[] };
    }
  /** Anything else, routed by `lambda`: an OpenWhisk action, or a native computer's lambda. */
  | {
      readonly kind: "atomic";
      readonly action: ActionName;
      readonly lambda: string;
      /** The domain holds it (deployed through the proxy), announced or not yet. */
      readonly held: boolean;
    };

export interface ComponentSources {
  /** The domain's desired action (the controller); undefined when it holds none. */
  readonly facts: (action: ActionName) => Promise<ActionFacts | undefined>;
  /** Whether a computer announces the lambda; undefined when that cannot be known. */
  readonly offers: (lambda: string) => Promise<boolean | undefined>;
}

/**
 * Finds a component (`/ns/[pkg/]name`, namespace resolved) in the domain, in this order: a
 * sequence or action the domain holds; an OpenWhisk action a wsk-computer announces by that
 * name; for `/ns/name` without a package, the native lambda `name` a computer announces under
 * its own bare name (`/guest/clambda0` → `clambda0`: OpenWhisk's clients only send fully-qualified
 * components, and the wsk CLI makes `clambda0` into `/_/clambda0`). Undefined when nothing in
 * the domain answers to it; a component whose offer cannot be known is routed by its name, and
 * the router decides.
 */
export async function resolveComponent(
  component: string,
  sources: ComponentSources,
): Promise<ResolvedComponent | undefined> {
  if (!component.startsWith("/")) return undefined;
  const parsed = parseActionName(component);
  if (!parsed.ok) return undefined;
  const action = parsed.value;
  const qualified = formatActionName(action);
  const facts = await sources.facts(action);
  if (facts?.components !== undefined) {
    return { kind: "sequence", action, facts: { ...facts, components: facts.components } };
  }
  if (facts !== undefined) return { kind: "atomic", action, lambda: qualified, held: true };
  const offered = await sources.offers(qualified);
  if (offered !== false) return { kind: "atomic", action, lambda: qualified, held: false };
  if (action.packageName === undefined && (await sources.offers(action.name)) === true) {
    return { kind: "atomic", action, lambda: action.name, held: false };
  }
  return undefined;
}

/** The same search, as the create-time check (checkSequence) reads a component. */
export async function componentKind(
  component: string,
  sources: ComponentSources,
): Promise<ComponentKind | undefined> {
  const resolved = await resolveComponent(component, sources);
  if (resolved === undefined) return undefined;
  return resolved.kind === "sequence"
    ? { kind: "sequence", components: resolved.facts.components }
    : { kind: "atomic" };
}

/**
 * The sources a sequence is checked against when it is created: the controller read afresh (a
 * component deployed a moment ago counts, though no computer announces it yet), and what the
 * computers announce. A failed read of the controller rejects.
 */
export function desiredComponentSources(
  deployment: Pick<DomainDeployment, "get">,
  lister: Pick<ActionLister, "has">,
): ComponentSources {
  return {
    facts: async (action) => {
      try {
        const entity = await deployment.get(
          actionRef(action.namespace, action.packageName, action.name),
        );
        return entity === undefined ? undefined : actionFactsOf(entity);
      } catch (error) {
        if (error instanceof ConnectError && error.code === Code.NotFound) return undefined;
        throw error;
      }
    },
    offers: (lambda) => lister.has(lambda),
  };
}

/**
 * Whether the caller may run a component: one of its own namespace, or another namespace's action
 * the domain announces as public (OpenWhisk checks its entitlement to every component, at create
 * and at invoke: 403 naming the package). A component that does not parse is left to the search,
 * which finds nothing.
 */
export async function componentAccess(
  lister: Pick<ActionLister, "isPublic">,
  caller: Pick<Identity, "namespace">,
  component: string,
): Promise<Access> {
  const parsed = parseActionName(component);
  if (!parsed.ok || !component.startsWith("/")) return { ok: true, namespace: caller.namespace };
  const { namespace, packageName, name } = parsed.value;
  const segments = packageName === undefined ? [name] : [packageName, name];
  return actionAccess(lister, caller, namespace, segments);
}

/** The first refusal among the components, or undefined when the caller may run them all. */
export async function componentsRefusal(
  lister: Pick<ActionLister, "isPublic">,
  caller: Pick<Identity, "namespace">,
  components: readonly string[],
): Promise<Extract<Access, { ok: false }> | undefined> {
  for (const component of components) {
    const access = await componentAccess(lister, caller, component);
    if (!access.ok) return access;
  }
  return undefined;
}
