import { type ActionDocument, DEFAULT_NAMESPACE, isSequenceExec } from "@soe/openwhisk";

/**
 * A sequence as OpenWhisk stores it: `/_/x` in a component names the caller's namespace (the
 * wsk CLI sends `_` unless told a namespace), resolved here so the domain's document names the
 * same actions whoever reads it; and its components as its only parameter, `_actions`
 * (Actions.scala), whatever parameters the client sent, as a GET on OpenWhisk shows them.
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
  return {
    ...document,
    exec: { ...exec, components },
    parameters: [{ key: "_actions", value: components }],
  };
}
