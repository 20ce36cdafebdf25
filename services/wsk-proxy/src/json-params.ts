import { ErrorText, malformedContent, parseJsonObjectBody } from "@soe/openwhisk";

/** The parameters of an invocation, or OpenWhisk's refusal of its body. */
export type ParamsRead =
  | { readonly ok: true; readonly params: Record<string, unknown> }
  | { readonly ok: false; readonly status: 400 | 415; readonly error: string };

/**
 * Checks an invocation's body as the controller does (openwhisk-api.md §2; the rules live in
 * `@soe/openwhisk`, shared with the mock), as the invoke route answers it.
 */
export function readJsonParams(body: Uint8Array, contentType: string | undefined): ParamsRead {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  const read = parseJsonObjectBody(text, contentType);
  switch (read.kind) {
    case "ok":
      return { ok: true, params: read.value };
    case "unsupported-media-type":
      return { ok: false, status: 415, error: ErrorText.unsupportedContentType };
    case "malformed":
      return { ok: false, status: 400, error: malformedContent(read.detail) };
  }
}
