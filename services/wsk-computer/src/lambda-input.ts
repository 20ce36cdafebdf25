/**
 * `LambdaRequest.input` as OpenWhisk parameters. The reference sent the input parsed as JSON and
 * failed on anything else (reference §6.3), so an empty input failed too; OpenWhisk itself takes
 * an empty body as `{}` and refuses JSON that is not an object with 400 (openwhisk-api.md §2). We
 * do as OpenWhisk: empty → `{}`, an object → its keys, anything else → refused before the call.
 */
export type LambdaInput =
  | { readonly ok: true; readonly params: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string };

export function parseLambdaInput(input: string): LambdaInput {
  if (input.trim() === "") return { ok: true, params: {} };
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the input is not JSON: ${why}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    return { ok: false, reason: `the input must be a JSON object of parameters, not ${kind}` };
  }
  return { ok: true, params: value as Record<string, unknown> };
}
