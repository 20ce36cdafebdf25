/** A request body read up to a limit: the bytes, or how many were seen once it went past. */
export type BoundedRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly size: number };

/**
 * Reads a body, stopping as soon as it grows past `maxBytes` (so a huge or endless upload costs
 * at most that much memory); `size` is then the number of bytes seen.
 */
export async function readBounded(request: Request, maxBytes: number): Promise<BoundedRead> {
  if (request.body === null) return { ok: true, bytes: new Uint8Array() };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {
        // The client may already be gone; the caller's "too large" is all that is left to say.
      });
      return { ok: false, size };
    }
    chunks.push(value);
  }
  return {
    ok: true,
    bytes: chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks),
  };
}
