/**
 * The OpenWhisk namespace of the wsk-computer's key, which is the domain namespace it serves
 * (soe/v1/installation.proto). Asked of OpenWhisk (`GET /api/v1/namespaces`) until it answers
 * once, then kept: a key's namespace never changes. OpenWhisk may be down when we start, so a
 * failure is not remembered and the next caller asks again.
 */
export class KeyNamespace {
  readonly #lookup: () => Promise<readonly string[]>;
  #value: string | undefined;
  #pending: Promise<string> | undefined;

  /** `lookup` lists the key's namespaces; `known` skips it (an explicit `namespace` option). */
  constructor(lookup: () => Promise<readonly string[]>, known?: string) {
    this.#lookup = lookup;
    this.#value = known;
  }

  /** The namespace, once known. */
  get value(): string | undefined {
    return this.#value;
  }

  /** The namespace; concurrent callers share one request. Rejects with OpenWhisk's failure. */
  resolve(): Promise<string> {
    if (this.#value !== undefined) return Promise.resolve(this.#value);
    this.#pending ??= this.#ask().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #ask(): Promise<string> {
    const namespaces = await this.#lookup();
    const [first] = namespaces;
    // OpenWhisk lists exactly the key's own namespace; several would make "ours" ambiguous.
    if (first === undefined || namespaces.length !== 1) {
      throw new Error(`OpenWhisk lists ${namespaces.length} namespaces for the key, not one`);
    }
    this.#value = first;
    return first;
  }
}
