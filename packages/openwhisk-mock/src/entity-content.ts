import {
  type ActionDocument,
  isSequenceExec,
  malformedContent,
  type Parsed,
  parseActionDocument,
} from "@soe/openwhisk";

/** The runtime this mock emulates; every `nodejs` kind resolves to it, `nodejs:default` too. */
export const NODEJS_KIND = "nodejs:20";

/** What the mock lists as its runtimes, in the words of the controller's refusal. */
function unsupportedRuntime(kind: string): string {
  return malformedContent(
    `The specified runtime '${kind}' is not supported by this platform. Valid values are: '${NODEJS_KIND}', 'sequence'.`,
  );
}

/**
 * An action's PUT body as `@soe/openwhisk` checks it for any OpenWhisk, narrowed to what this
 * mock can run: JavaScript (plain or a base64 zip) and sequences. Other runtimes and blackbox
 * images are refused as an OpenWhisk without them refuses them.
 */
export function parseMockAction(body: unknown): Parsed<ActionDocument> {
  const parsed = parseActionDocument(body);
  if (!parsed.ok) return parsed;
  const exec = parsed.value.exec;
  if (exec === undefined || isSequenceExec(exec)) return parsed;
  if (!exec.kind.startsWith("nodejs")) return { ok: false, error: unsupportedRuntime(exec.kind) };
  return { ok: true, value: { ...parsed.value, exec: { ...exec, kind: NODEJS_KIND } } };
}
