import { describe, expect, it } from "vitest";
import { LambdaRequestFactory, sizedContent } from "./lambda-request-factory.js";

function replay(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

describe("sizedContent", () => {
  it("is a JSON text of exactly the size asked", () => {
    expect(sizedContent(100)).toHaveLength(100);
    expect(JSON.parse(sizedContent(100))).toEqual({ input: "A".repeat(88) });
    expect(sizedContent(13)).toBe('{"input":"A"}');
  });

  it("holds no A at all below 12 bytes", () => {
    expect(sizedContent(12)).toBe('{"input":""}');
    expect(sizedContent(3)).toBe('{"input":""}');
  });
});

describe("LambdaRequestFactory", () => {
  it("builds requests as a client does: hops 0, not forwarded, a fresh uuid each", () => {
    const factory = new LambdaRequestFactory({
      lambda: "clambda0",
      sizes: [100],
      content: "",
      dry: true,
      rng: Math.random,
    });
    const [a, b] = [factory.next(), factory.next()];
    expect(a).toMatchObject({ name: "clambda0", hops: 0, forward: false, dry: true });
    expect(a.input).toBe(sizedContent(100));
    expect(a.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.uuid).not.toBe(a.uuid);
  });

  it("picks each request's size uniformly from the list, warning once about short sizes", () => {
    const warnings: number[] = [];
    const factory = new LambdaRequestFactory({
      lambda: "f",
      sizes: [10, 20, 30],
      content: "",
      dry: false,
      rng: replay(0, 0.5, 0.99, 0.1),
      onShortSize: (size) => warnings.push(size),
    });
    const lengths = Array.from({ length: 4 }, () => factory.next().input.length);
    expect(lengths).toEqual([12, 20, 30, 12]);
    expect(warnings).toEqual([10]);
  });

  it("sends the fixed content when one is given", () => {
    const factory = new LambdaRequestFactory({
      lambda: "f",
      sizes: [100],
      content: "hello",
      dry: false,
      rng: Math.random,
    });
    expect(factory.next().input).toBe("hello");
  });

  it("refuses an empty list of sizes", () => {
    expect(
      () =>
        new LambdaRequestFactory({
          lambda: "f",
          sizes: [],
          content: "",
          dry: false,
          rng: Math.random,
        }),
    ).toThrow("Cannot draw sizes from an empty set");
  });
});
