import { readBounded } from "@soe/runtime";
export type BodyRead =
  | { readonly kind: "ok"; readonly value: Record<string, unknown> }
  | { readonly kind: "too-large"; readonly size: number }
  | { readonly kind: "unsupported-media-type" }
  | { readonly kind: "malformed"; readonly detail: string };

function isJsonType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json");
}

/**
 * The JSON object a request carries, checked the way the controller checks it: size first (by
 * `Content-Length`, or by counting a chunked body), an empty body is `{}` whatever its type,
 * anything else must be `application/json` and a JSON object.
 */
export async function readJsonObject(request: Request, maxBytes: number): Promise<BodyRead> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return { kind: "too-large", size: declared };
  const body = await readBounded(request, maxBytes);
  if (!body.ok) return { kind: "too-large", size: body.size };
  const text = Buffer.from(body.bytes).toString("utf8");
  if (text.trim().length === 0) return { kind: "ok", value: {} };
  if (!isJsonType(request.headers.get("content-type"))) return { kind: "unsupported-media-type" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { kind: "malformed", detail: error instanceof Error ? error.message : String(error) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { kind: "malformed", detail: "Object expected in field 'payload'" };
  }
  return { kind: "ok", value: parsed as Record<string, unknown> };
}
