import { createHash } from "node:crypto";

/**
 * A deterministic source of bytes and choices for fuzzing: SHA-256 of (seed, block counter), so
 * a seed printed by a failing run reproduces every input of that run.
 */
export class SeededBytes {
  readonly #seed: string;
  #block = 0;
  #pool: Buffer = Buffer.alloc(0);
  #offset = 0;

  constructor(seed: string | number) {
    this.#seed = String(seed);
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.#offset === this.#pool.length) {
        this.#pool = createHash("sha256")
          .update(`${this.#seed}:${this.#block++}`)
          .digest();
        this.#offset = 0;
      }
      const take = Math.min(n - filled, this.#pool.length - this.#offset);
      this.#pool.copy(out, filled, this.#offset, this.#offset + take);
      this.#offset += take;
      filled += take;
    }
    return out;
  }

  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.uint32() % n;
  }

  chance(p: number): boolean {
    return this.uint32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.below(items.length)] as T;
  }

  /** Printable ASCII, for text that must still travel in an HTTP/1.1 header. */
  printable(n: number): string {
    return Array.from(this.bytes(n), (b) => String.fromCharCode(0x21 + (b % 94))).join("");
  }
}
