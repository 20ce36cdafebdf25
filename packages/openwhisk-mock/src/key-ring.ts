import { timingSafeEqual } from "node:crypto";

export interface Identity {
  /** The key's default namespace: what `_` means in a path. */
  readonly namespace: string;
  /** The authenticated subject; OpenWhisk's dev identities use the namespace name. */
  readonly subject: string;
}

export type Authentication =
  | { readonly ok: true; readonly identity: Identity }
  /** `missing`: no Basic credentials at all; `invalid`: credentials that match no key. */
  | { readonly ok: false; readonly reason: "missing" | "invalid" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keys by namespace; answers who an `Authorization` header is. */
export class KeyRing {
  readonly #byUuid = new Map<string, { secret: Buffer; identity: Identity }>();

  constructor(keys: ReadonlyMap<string, readonly string[]>) {
    for (const [namespace, list] of keys) {
      for (const key of list) {
        const colon = key.indexOf(":");
        const uuid = key.slice(0, colon);
        const secret = key.slice(colon + 1);
        // The controller only knows keys of this shape (a UUID and a 64-character secret).
        if (colon < 0 || !UUID.test(uuid) || secret.length !== 64) {
          throw new TypeError(
            `the key for namespace '${namespace}' is not 'uuid:64-character-key'`,
          );
        }
        this.#byUuid.set(uuid.toLowerCase(), {
          secret: Buffer.from(secret),
          identity: { namespace, subject: namespace },
        });
      }
    }
  }

  get namespaces(): string[] {
    return [...new Set([...this.#byUuid.values()].map((entry) => entry.identity.namespace))];
  }

  authenticate(authorization: string | undefined): Authentication {
    const match = /^Basic +(\S+) *$/i.exec(authorization ?? "");
    if (match?.[1] === undefined) return { ok: false, reason: "missing" };
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { ok: false, reason: "invalid" };
    const entry = this.#byUuid.get(decoded.slice(0, colon).toLowerCase());
    const offered = Buffer.from(decoded.slice(colon + 1));
    if (entry === undefined || offered.length !== entry.secret.length) {
      return { ok: false, reason: "invalid" };
    }
    return timingSafeEqual(offered, entry.secret)
      ? { ok: true, identity: entry.identity }
      : { ok: false, reason: "invalid" };
  }
}
