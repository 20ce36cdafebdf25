/**
 * Conf strings such as `type=grpc,persistence=0.05` (reference §0.1): comma-separated
 * `key=value` pairs taken verbatim — no trimming, so a space after a comma belongs to the next key.
 */

/** The text is not a valid conf string. */
export class InvalidConf extends Error {
  override readonly name = "InvalidConf";
}

/** A typed getter found no value for its key. */
export class NoValue extends Error {
  override readonly name = "NoValue";
  constructor(readonly key: string) {
    super(`No value found for key: ${key}`);
  }
}

/** A typed getter found a value it cannot convert. */
export class InvalidValue extends Error {
  override readonly name = "InvalidValue";
  constructor(
    readonly key: string,
    readonly value: string,
    readonly expected: "double" | "int" | "uint" | "bool",
  ) {
    super(`Invalid ${expected} value for key ${key}: ${value}`);
  }
}

// Decimal numbers only: the reference converts with std::stod, which would also take a numeric
// prefix ("3x" → 3); we reject such text instead of guessing.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(["true", "yes", "1"]);
const FALSE_WORDS = new Set(["false", "no", "0"]);

export class Conf {
  readonly #values: ReadonlyMap<string, string>;

  private constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
  }

  /**
   * Parses a conf string. An empty string is an empty conf; one trailing comma is tolerated (as
   * by the reference); an empty key or value, a missing or second `=`, or an empty pair is a
   * syntax error. A repeated key keeps its first value and yields a warning for the caller to log.
   */
  static parse(text: string): { conf: Conf; warnings: string[] } {
    const values = new Map<string, string>();
    const warnings: string[] = [];
    if (text === "") return { conf: new Conf(values), warnings };

    const body = text.length > 1 && text.endsWith(",") ? text.slice(0, -1) : text;
    for (const pair of body.split(",")) {
      const parts = pair.split("=");
      const [key, value] = parts;
      if (parts.length !== 2 || !key || !value) {
        throw new InvalidConf(`Invalid configuration: '${text}' (bad pair '${pair}')`);
      }
      if (values.has(key)) {
        warnings.push(
          `duplicate key '${key}' in configuration '${text}': ignoring value '${value}'`,
        );
        continue;
      }
      values.set(key, value);
    }
    return { conf: new Conf(values), warnings };
  }

  /** Builds a conf from pairs, e.g. defaults in code. */
  static of(values: Record<string, string>): Conf {
    return new Conf(new Map(Object.entries(values)));
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** The raw value, or "" when absent (the reference's plain accessor never throws). */
  get(key: string): string {
    return this.#values.get(key) ?? "";
  }

  getString(key: string): string {
    return this.#require(key);
  }

  getDouble(key: string): number {
    const value = this.#require(key);
    if (!DECIMAL.test(value)) throw new InvalidValue(key, value, "double");
    return Number(value);
  }

  /** Truncates towards zero, like the reference ("3.14" → 3). */
  getInt(key: string): number {
    const value = this.#require(key);
    if (!DECIMAL.test(value)) throw new InvalidValue(key, value, "int");
    return Math.trunc(Number(value)) + 0; // + 0 turns -0 into 0
  }

  /** Like getInt, but a negative result is an error ("-0.5" truncates to 0 and is accepted). */
  getUint(key: string): number {
    const result = this.getInt(key);
    if (result < 0) throw new InvalidValue(key, this.get(key), "uint");
    return result;
  }

  /** Accepts true/yes/1 and false/no/0, case-insensitively. */
  getBool(key: string): boolean {
    const value = this.#require(key);
    const word = value.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    throw new InvalidValue(key, value, "bool");
  }

  keys(): string[] {
    return [...this.#values.keys()];
  }

  /** The pairs in their original order, joined back into a conf string. */
  toString(): string {
    return [...this.#values].map(([k, v]) => `${k}=${v}`).join(",");
  }

  #require(key: string): string {
    const value = this.#values.get(key);
    if (value === undefined) throw new NoValue(key);
    return value;
  }
}
