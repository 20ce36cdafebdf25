import { parseJsonObjectBody } from "@soe/openwhisk";
import { readBounded } from "@soe/runtime";

export type BodyRead =
  | { readonly kind: "ok"; readonly value: Record<string, unknown> }
  | { readonly kind: "too-large"; readonly size: number }
  | { readonly kind: "unsupported-media-type" }
  | { readonly kind: "malformed"; readonly detail: string };

/**
 * The JSON object a request carries, checked the way the controller checks it: size first (by
 * `Content-Length`, or by counting a chunked body), an empty body is `{}` whatever its type,
 * the rest as `@soe/openwhisk`'s `parseJsonObjectBody` (shared with the proxy) says.
 */
export async function readJsonObject(request: Request, maxBytes: number): Promise<BodyRead> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return { kind: "too-large", size: declared };
  const body = await readBounded(request, maxBytes);
  if (!body.ok) return { kind: "too-large", size: body.size };
  return parseJsonObjectBody(
    Buffer.from(body.bytes).toString("utf8"),
    request.headers.get("content-type"),
  );
}
