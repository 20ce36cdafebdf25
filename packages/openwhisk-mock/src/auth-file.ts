/**
 * Reads an auth file: one `namespace uuid:key` per line; a line holding only `uuid:key` (the
 * format of OpenWhisk's own `auth.guest`) means namespace `guest`. `#` starts a comment.
 */
export function parseAuthFile(text: string): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line.length === 0) return;
    const fields = line.split(/\s+/);
    if (fields.length > 2)
      throw new SyntaxError(`auth file line ${index + 1}: expected 'namespace uuid:key'`);
    const [namespace, key] = fields.length === 2 ? fields : ["guest", fields[0]];
    if (namespace === undefined || key === undefined || !key.includes(":")) {
      // Say which line, never what it holds: it may be a key.
      throw new SyntaxError(`auth file line ${index + 1}: expected 'namespace uuid:key'`);
    }
    keys[namespace] = [...(keys[namespace] ?? []), key];
  });
  if (Object.keys(keys).length === 0) throw new SyntaxError("auth file holds no key");
  return keys;
}
