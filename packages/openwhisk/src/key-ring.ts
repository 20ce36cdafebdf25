import { createHash, timingSafeEqual } from "node:crypto";
import { entityNameProblem } from "./entity-name.js";

/** API keys (`uuid:key`) by namespace. */
export type NamespaceKeys = ReadonlyMap<string, readonly string[]>;

export interface Identity {
  /** The key's namespace: what `_` means in a path, and the only one the key may use. */
  readonly namespace: string;
  /** The authenticated subject; OpenWhisk's development identities use the namespace name. */
  readonly subject: string;
}

export type Authentication =
  | { readonly ok: true; readonly identity: Identity }
  /** `missing`: no Basic credentials at all; `invalid`: credentials that match no key. */
  | { readonly ok: false; readonly reason: "missing" | "invalid" };

export interface KeyRingOptions {
  /**
   * Refuse, at construction, namespaces that are not OpenWhisk entity names (default: true).
   * The openwhisk-mock has never checked them and passes false, so that its behaviour stays.
   */
  readonly checkNamespaceNames?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET_LENGTH = 64;

/** Fixed-length digests, so the comparison takes the same time whatever was offered. */
function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Keys by namespace; answers who an `Authorization` header is. Keys have OpenWhisk's shape (a
 * UUID and a 64-character secret, openwhisk-api.md §1), the only one the controller knows;
 * anything else is refused at construction, and the error names the namespace, never the key.
 */
export class KeyRing {
  readonly #byUuid = new Map<string, { secret: Buffer; identity: Identity }>();

  constructor(keys: NamespaceKeys, options: KeyRingOptions = {}) {
    const checkNamespaceNames = options.checkNamespaceNames ?? true;
    for (const [namespace, list] of keys) {
      if (checkNamespaceNames && entityNameProblem(namespace) !== undefined) {
        throw new TypeError(`'${namespace}' is not a valid OpenWhisk namespace name`);
      }
      for (const key of list) {
        const colon = key.indexOf(":");
        const uuid = key.slice(0, colon);
        const secret = key.slice(colon + 1);
        if (colon < 0 || !UUID.test(uuid) || secret.length !== SECRET_LENGTH) {
          throw new TypeError(
            `the key for namespace '${namespace}' is not 'uuid:64-character-key'`,
          );
        }
        this.#byUuid.set(uuid.toLowerCase(), {
          secret: digest(secret),
          identity: { namespace, subject: namespace },
        });
      }
    }
  }

  get namespaces(): string[] {
    return [...new Set([...this.#byUuid.values()].map((entry) => entry.identity.namespace))];
  }

  /** Basic `uuid:key`, the scheme and the uuid in any case. */
  authenticate(authorization: string | undefined): Authentication {
    const match = /^Basic +(\S+) *$/i.exec(authorization ?? "");
    if (match?.[1] === undefined) return { ok: false, reason: "missing" };
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { ok: false, reason: "invalid" };
    const entry = this.#byUuid.get(decoded.slice(0, colon).toLowerCase());
    if (entry === undefined) return { ok: false, reason: "invalid" };
    return timingSafeEqual(digest(decoded.slice(colon + 1)), entry.secret)
      ? { ok: true, identity: entry.identity }
      : { ok: false, reason: "invalid" };
  }
}
