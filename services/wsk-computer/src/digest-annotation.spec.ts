import { describe, expect, it } from "vitest";
import { annotateDigest, DIGEST_ANNOTATION, digestOf } from "./digest-annotation.js";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const DIGEST = "a".repeat(64);

describe("annotateDigest", () => {
  it("adds soe-digest after the document's own annotations, keeping every other member", () => {
    const document = {
      exec: { kind: "nodejs:20", code: "function main() { return {}; }" },
      parameters: [{ key: "p", value: 1 }],
      annotations: [{ key: "web-export", value: true }],
      limits: { timeout: 1000 },
      publish: false,
    };
    expect(annotateDigest(bytes(document), DIGEST)).toEqual({
      ok: true,
      document: {
        ...document,
        annotations: [
          { key: "web-export", value: true },
          { key: DIGEST_ANNOTATION, value: DIGEST },
        ],
      },
    });
  });

  it("replaces an earlier soe-digest instead of adding a second", () => {
    const document = {
      annotations: [
        { key: DIGEST_ANNOTATION, value: "old" },
        { key: "a", value: 1 },
      ],
    };
    const annotated = annotateDigest(bytes(document), DIGEST);
    expect(annotated.ok && annotated.document.annotations).toEqual([
      { key: "a", value: 1 },
      { key: DIGEST_ANNOTATION, value: DIGEST },
    ]);
  });

  it("creates the annotations of a document without any (a package)", () => {
    const annotated = annotateDigest(bytes({}), DIGEST);
    expect(annotated).toEqual({
      ok: true,
      document: { annotations: [{ key: DIGEST_ANNOTATION, value: DIGEST }] },
    });
  });

  it.each([
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), "not UTF-8"],
    ["not JSON", new TextEncoder().encode("{exec"), "not JSON"],
    ["an array", bytes([1]), "must be a JSON object"],
    ["null", bytes(null), "must be a JSON object"],
    ["bad annotations", bytes({ annotations: { key: "a" } }), "annotations must be an array"],
    ["annotation without key", bytes({ annotations: [{ value: 1 }] }), "annotations must be"],
    [
      "nested too deep",
      new TextEncoder().encode(`${"[".repeat(2000)}${"]".repeat(2000)}`),
      "deeper",
    ],
  ])("refuses a document that is %s", (_, document, reason) => {
    const annotated = annotateDigest(document, DIGEST);
    expect(annotated.ok).toBe(false);
    if (!annotated.ok) expect(annotated.reason).toContain(reason);
  });
});

describe("digestOf", () => {
  it("reads the soe-digest annotation of a listing entry", () => {
    const entry = {
      name: "a",
      annotations: [
        { key: "exec", value: "nodejs:20" },
        { key: DIGEST_ANNOTATION, value: DIGEST },
      ],
    };
    expect(digestOf(entry)).toBe(DIGEST);
  });

  it("is empty for an entity the domain did not deploy, or a broken annotation", () => {
    expect(digestOf({ name: "a", annotations: [{ key: "exec", value: "nodejs:20" }] })).toBe("");
    expect(digestOf({ name: "a" })).toBe("");
    expect(digestOf({ annotations: [{ key: DIGEST_ANNOTATION, value: 5 }] })).toBe("");
  });
});
