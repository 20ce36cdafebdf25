import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { type LambdaRequest, LambdaRequestSchema } from "@soe/proto";

/** `{"input":"AAA…"}` of exactly `size` bytes (reference §7.2); below 12 bytes, no `A` at all. */
export function sizedContent(size: number): string {
  return `{"input":"${"A".repeat(Math.max(0, size - 12))}"}`;
}

export interface LambdaRequestFactoryOptions {
  readonly lambda: string;
  /** Input sizes; each request picks one uniformly (repeats weigh more). */
  readonly sizes: readonly number[];
  /** Fixed input for every request; overrides `sizes` when not empty. */
  readonly content: string;
  readonly dry: boolean;
  readonly rng: () => number;
  /** Called once, the first time a size below 12 bytes is drawn. */
  readonly onShortSize?: (size: number) => void;
}

/**
 * Requests as a client builds them (reference §1.7): hops 0, forward false, a fresh UUID each.
 * Contents are cached per size, as a load generator sends the same few sizes millions of times.
 */
export class LambdaRequestFactory {
  readonly #contents = new Map<number, string>();
  #warned = false;

  constructor(private readonly options: LambdaRequestFactoryOptions) {
    if (options.content === "" && options.sizes.length === 0) {
      throw new Error("Cannot draw sizes from an empty set");
    }
  }

  next(): LambdaRequest {
    const { lambda, dry } = this.options;
    return create(LambdaRequestSchema, {
      name: lambda,
      input: this.#input(),
      dry,
      forward: false,
      hops: 0,
      uuid: randomUUID(),
    });
  }

  #input(): string {
    const { content, sizes, rng, onShortSize } = this.options;
    if (content !== "") return content;
    const size = sizes[Math.floor(rng() * sizes.length)] as number;
    if (size < 12 && !this.#warned) {
      this.#warned = true;
      onShortSize?.(size);
    }
    let text = this.#contents.get(size);
    if (text === undefined) {
      text = sizedContent(size);
      this.#contents.set(size, text);
    }
    return text;
  }
}
