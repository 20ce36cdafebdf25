const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The `Authorization` header value for an OpenWhisk key. `uuid:key` is encoded here; a value
 * without a colon is taken as already base64-encoded, which is how the reference edgecomputerwsk
 * takes `--wsk-auth` (reference §6.3). Errors never repeat the key.
 */
export function basicAuthorization(auth: string): string {
  const trimmed = auth.trim();
  if (trimmed.length === 0) throw new TypeError("invalid empty OpenWhisk auth token");
  if (trimmed.includes(":")) return `Basic ${Buffer.from(trimmed, "utf8").toString("base64")}`;
  if (!BASE64.test(trimmed)) {
    throw new TypeError("the OpenWhisk auth token must be 'uuid:key' or its base64 encoding");
  }
  return `Basic ${trimmed}`;
}
