/**
 * The deepest nesting of arrays and objects accepted in a request body. Parsing is iterative in
 * V8, but everything after it (JSON.stringify, structured clone, a sandbox's argument copy)
 * recurses: a valid 200 KB body nested 100,000 deep overflowed the stack of the proxy's request
 * builder. Jackson's default limit (StreamReadConstraints) is 1,000, which no real action needs.
 */
export const MAX_JSON_DEPTH = 1000;

/** What a request's JSON object body turned out to be (openwhisk-api.md §2). */
export type JsonObjectBody =
  | { readonly kind: "ok"; readonly value: Record<string, unknown> }
  | { readonly kind: "unsupported-media-type" }
  | { readonly kind: "malformed"; readonly detail: string };

function isJsonType(contentType: string | null | undefined): boolean {
  if (contentType === null || contentType === undefined) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json");
}

/**
 * Whether `text` nests arrays and objects deeper than `max`, found in one pass over the text,
 * without recursion and before anything parses it (brackets inside strings do not count).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/**
 * Checks a body as the OpenWhisk controller does: an empty body is `{}` whatever its content type
 * (the JS client's string form sends none); anything else must be `application/json` (415) and
 * a JSON object (400), nested no deeper than `maxDepth`.
 */
export function parseJsonObjectBody(
  text: string,
  contentType: string | null | undefined,
  maxDepth: number = MAX_JSON_DEPTH,
): JsonObjectBody {
  if (text.trim().length === 0) return { kind: "ok", value: {} };
  if (!isJsonType(contentType)) return { kind: "unsupported-media-type" };
  if (nestsDeeperThan(text, maxDepth)) {
    return { kind: "malformed", detail: `JSON nested deeper than ${maxDepth} levels` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { kind: "malformed", detail: detail.slice(0, 200) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { kind: "malformed", detail: "Object expected in field 'payload'" };
  }
  return { kind: "ok", value: parsed as Record<string, unknown> };
}
