import { GUEST_KEY, type NamespaceKeys } from "@soe/openwhisk";

/** Without a key file the proxy knows the guest key, as a standalone OpenWhisk does. */
export const DEFAULT_KEYS: NamespaceKeys = new Map([["guest", [GUEST_KEY]]]);

/**
 * The `--auth-file` format, the same as the openwhisk-mock's: one `namespace uuid:key` per line;
 * a line holding only `uuid:key` (the format of OpenWhisk's own `auth.guest`) means namespace
 * `guest`. `#` starts a comment. Errors name the line, never its content: it may be a key.
 */
export function parseKeyFile(text: string): NamespaceKeys {
  const keys = new Map<string, string[]>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line.length === 0) return;
    const fields = line.split(/\s+/);
    const [namespace, key] = fields.length === 2 ? fields : ["guest", fields[0]];
    if (fields.length > 2 || namespace === undefined || key === undefined || !key.includes(":")) {
      throw new SyntaxError(`auth file line ${index + 1}: expected 'namespace uuid:key'`);
    }
    keys.set(namespace, [...(keys.get(namespace) ?? []), key]);
  });
  if (keys.size === 0) throw new SyntaxError("auth file holds no key");
  return keys;
}
