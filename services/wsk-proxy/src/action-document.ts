import { type ActionDocument, DEFAULT_NAMESPACE, isSequenceExec } from "@soe/openwhisk";

/**
 * A sequence's components as OpenWhisk stores them: `/_/x` names the caller's namespace (the
 * wsk CLI sends `_` unless told a namespace), resolved here so the domain's document, and every
 * installation's copy of it, names the same actions.
 */
export function withResolvedComponents(
  document: ActionDocument,
  namespace: string,
): ActionDocument {
  const exec = document.exec;
  if (exec === undefined || !isSequenceExec(exec)) return document;
  const prefix = `/${DEFAULT_NAMESPACE}/`;
  const components = exec.components.map((c) =>
    c.startsWith(prefix) ? `/${namespace}/${c.slice(prefix.length)}` : c,
  );
  return { ...document, exec: { ...exec, components } };
}
