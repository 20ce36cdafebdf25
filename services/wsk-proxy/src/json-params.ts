import { ErrorText, malformedContent } from "@soe/openwhisk";

/** The parameters of an invocation, or OpenWhisk's refusal of its body. */
export type ParamsRead =
  | { readonly ok: true; readonly params: Record<string, unknown> }
  | { readonly ok: false; readonly status: 400 | 415; readonly error: string };

function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json");
}

/**
 * Checks a body as the controller does (openwhisk-api.md §2): an empty body is `{}` whatever its
 * content type (the JS client's string form sends none); otherwise it must be `application/json`
 * (415) and a JSON object (400).
 */
export function readJsonParams(body: Uint8Array, contentType: string | undefined): ParamsRead {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  if (text.trim().length === 0) return { ok: true, params: {} };
  if (!isJsonType(contentType)) {
    return { ok: false, status: 415, error: ErrorText.unsupportedContentType };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, status: 400, error: malformedContent(detail.slice(0, 200)) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      status: 400,
      error: malformedContent("Object expected in field 'payload'"),
    };
  }
  return { ok: true, params: parsed as Record<string, unknown> };
}
